#!/bin/sh
# Posts a plan (reactions plan --format markdown) as the pull request's reactions comment:
# the comment that starts with the plan's hidden marker is edited in place, so a PR has one
# plan comment however often it is pushed. Needs gh, GH_TOKEN, GITHUB_REPOSITORY, PR_NUMBER.
set -eu
plan="$1"
marker='<!-- reactions-plan -->'
head -n 1 "$plan" | grep -qF "$marker" || { echo "$plan does not start with $marker: is it a markdown plan?" >&2; exit 1; }
id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" --paginate \
      --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$plan" > /dev/null
  echo "updated the plan comment $id"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$plan" > /dev/null
  echo "posted the plan comment"
fi
