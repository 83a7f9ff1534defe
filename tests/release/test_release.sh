#!/usr/bin/env bash
# scripts/release in a temporary clone: the checks that refuse a release
# (versions that disagree, an undated CHANGELOG section, a dirty tree, a
# tag that exists) and the annotated tag it makes from CHANGELOG.md. The
# clone gets this tree's current copies of the files the script reads, so
# uncommitted edits are tested too; the repository itself is never tagged.
#
#   tests/release/test_release.sh       (CTest release/tag; exit 77 outside a git checkout)
#
# Prints one line per check, then "N passed, N failed".
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v git >/dev/null || { echo "test_release: git not found; skipped"; exit 77; }
git -C "$root" rev-parse --git-dir >/dev/null 2>&1 || { echo "test_release: not a git checkout; skipped"; exit 77; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
export GIT_AUTHOR_NAME=release-test GIT_AUTHOR_EMAIL=release-test@example.invalid
export GIT_COMMITTER_NAME=release-test GIT_COMMITTER_EMAIL=release-test@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME="$work"

git clone -q --no-local "$root" "$repo" || { echo "test_release: clone failed"; exit 1; }
files=(scripts/release CMakeLists.txt meson.build include/cfimages/version.hpp Doxyfile CHANGELOG.md
       ports/cfimages/vcpkg.json)
for f in "${files[@]}"; do
    mkdir -p "$repo/$(dirname "$f")" && cp "$root/$f" "$repo/$f"
done
git -C "$repo" add -A && git -C "$repo" commit -q --allow-empty -m "test: this tree's release inputs"

version=$(sed -n 's/^#define CFIMAGES_VERSION_STRING "\(.*\)"$/\1/p' "$root/include/cfimages/version.hpp")
passed=0
failed=0
# expect NAME STATUS TEXT -- COMMAND...: exit status STATUS, TEXT in its output.
expect() {
    local name=$1 want=$2 text=$3
    shift 4
    local out rc
    out=$(cd "$repo" && "$@" 2>&1)
    rc=$?
    if [[ $rc -eq $want && "$out" == *"$text"* ]]; then
        passed=$((passed + 1)); echo "ok   $name"
    else
        failed=$((failed + 1)); echo "FAIL $name (exit $rc, want $want; output:)"; sed 's/^/     /' <<<"$out"
    fi
}
commit() { git -C "$repo" commit -qam "$1"; }
# Dates the section of $version in the clone's CHANGELOG.md.
date_changelog() {
    sed -i "s/^## \[$version\] - .*/## [$version] - 2026-12-01/" "$repo/CHANGELOG.md"
}
# The clone's CHANGELOG may already be dated; start from "Unreleased".
sed -i "s/^## \[$version\] - .*/## [$version] - Unreleased/" "$repo/CHANGELOG.md"
git -C "$repo" commit -qam "test: undated" >/dev/null || true

expect "usage without a version" 1 "usage: scripts/release VERSION" -- scripts/release
expect "a version that is not MAJOR.MINOR.PATCH" 1 "must be MAJOR.MINOR.PATCH" -- scripts/release v1
expect "an undated (Unreleased) section is refused" 1 "has no release date" -- scripts/release "$version"
expect "a version no file states is refused, naming each file" 1 "CMakeLists.txt: project VERSION is $version, not 9.9.9" -- \
    scripts/release 9.9.9
expect "... and the CHANGELOG" 1 "CHANGELOG.md: no section '## [9.9.9]" -- scripts/release 9.9.9
date_changelog
expect "a dirty tree is refused" 1 "uncommitted changes" -- scripts/release "$version"
commit "test: date the release"
sed -i "s/version : '$version'/version : '0.0.1'/" "$repo/meson.build"
commit "test: meson.build disagrees"
expect "meson.build disagreeing is refused" 1 "meson.build: project version is 0.0.1, not $version" -- \
    scripts/release "$version"
git -C "$repo" revert --no-edit HEAD >/dev/null
expect "--dry-run prints the message and tags nothing" 0 "cfimages $version (2026-12-01)" -- \
    scripts/release "$version" --dry-run
if git -C "$repo" rev-parse -q --verify "refs/tags/v$version" >/dev/null; then
    failed=$((failed + 1)); echo "FAIL --dry-run made a tag"
else
    passed=$((passed + 1)); echo "ok   --dry-run made no tag"
fi
expect "release tags" 0 "tagged v$version at" -- scripts/release "$version"

# The tag: annotated, on HEAD, its message the CHANGELOG section.
type=$(git -C "$repo" cat-file -t "v$version" 2>/dev/null)
[[ "$type" == tag ]] && { passed=$((passed + 1)); echo "ok   the tag is annotated"; } ||
    { failed=$((failed + 1)); echo "FAIL the tag is annotated (type '$type')"; }
[[ "$(git -C "$repo" rev-parse "v$version^{commit}")" == "$(git -C "$repo" rev-parse HEAD)" ]] &&
    { passed=$((passed + 1)); echo "ok   the tag points at HEAD"; } ||
    { failed=$((failed + 1)); echo "FAIL the tag points at HEAD"; }
msg=$(git -C "$repo" tag -l --format='%(contents)' "v$version")
want_body=$(awk -v h="## [$version] - 2026-12-01" '$0 == h {on=1; next} on && /^## \[/ {exit} on {print}' \
    "$repo/CHANGELOG.md" | sed -e '/./,$!d')
first_line=$(sed -n '/./{p;q}' <<<"$want_body")
if [[ "$(head -1 <<<"$msg")" == "cfimages $version (2026-12-01)" && -n "$first_line" && "$msg" == *"$first_line"* ]] &&
    [[ "$(sed -n '3,$p' <<<"$msg" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')" == "$(sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' <<<"$want_body")" ]]; then
    passed=$((passed + 1)); echo "ok   the tag message is the CHANGELOG section"
else
    failed=$((failed + 1)); echo "FAIL the tag message is the CHANGELOG section:"; sed 's/^/     /' <<<"$msg"
fi
expect "a second release of the same version is refused" 1 "the tag v$version exists already" -- \
    scripts/release "$version"
if git -C "$root" rev-parse -q --verify "refs/tags/v$version" >/dev/null &&
    ! git -C "$root" tag -l --format='%(taggername)' "v$version" | grep -vq release-test; then
    failed=$((failed + 1)); echo "FAIL the test tagged the repository itself"
fi

echo "release: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
