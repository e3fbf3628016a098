public enum ReactionsCLI { public static func main() {} }
