/*
 * The one rule for the name of every file a release publishes (tarballs,
 * .debs, SHA256SUMS and its signatures, the SBOM, the provenance, the
 * notes, the manifests): a name a GitHub release keeps exactly as it is.
 *
 * GitHub renames an uploaded asset whose name has "special characters,
 * non-alphanumeric characters, and leading or trailing periods": '~', ':',
 * a space, parentheses become '.', and the rules are not listed in full
 * ('+' has been seen turned into '.', '-' or a space). A renamed file no
 * longer matches what SHA256SUMS lists, so `sha256sum -c`, `signify -C`
 * and `releaser verify` fail on a download. The releaser therefore only
 * takes names every upload keeps:
 *
 *   - letters A-Z a-z, digits, '.', '_' and '-' (no '+', '~', ':', space
 *     or anything outside ASCII);
 *   - a letter or digit first (no leading '.', which GitHub changes, nor
 *     '-', which a command takes for an option);
 *   - not ending in '.';
 *   - 1 to ASSET_NAME_MAX bytes.
 */
#ifndef RELEASER_ASSET_H
#define RELEASER_ASSET_H

/* the longest name taken: one file name on Linux */
#define ASSET_NAME_MAX 255

/*
 * asset_name_problem returns NULL when name follows the rule above, else
 * a short static text saying which part of it does not.
 */
const char *asset_name_problem(const char *name);

/*
 * asset_name_check returns 0 when name follows the rule, else -1 after one
 * message naming the file (escaped for the terminal), what is wrong, and
 * hint: what to do (a fixed text from the caller).
 */
int asset_name_check(const char *name, const char *hint);

#endif /* RELEASER_ASSET_H */
