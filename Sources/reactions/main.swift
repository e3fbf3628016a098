import ReactionsCLI
ReactionsCLI.main()
