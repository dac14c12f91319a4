/*
 * The one rule for every URL the releaser records (provenance, the SBOM,
 * the manifests, a .deb's copyright file): parsed, checked and rewritten
 * here into a form that is safe to sign and publish, or refused.
 *
 * Refused: bytes that are not UTF-8, control characters (C0, DEL), no
 * scheme, nothing after the scheme, a space; for a repository, a scheme
 * other than https, http, ssh or git (git+ssh and ssh+git mean ssh), no
 * host, or no path. A local path or file: URL is no place to fetch a
 * release's source from: url_is_local tells a remote that is one.
 *
 * Rewritten: the scheme and the host in lower case; user-info (user and
 * password or token, "user:TOKEN@") is dropped, except that an ssh URL
 * keeps its user name ("git@") and drops only a password; a repository
 * URL loses its query and fragment (they may carry tokens too); an empty
 * port is dropped; a byte outside RFC 3986's characters (non-ASCII UTF-8,
 * '"', '<', '\', ...) and a '%' not followed by two hex digits are
 * percent-encoded. A remote in git's scp-like form, [USER@]HOST:PATH,
 * becomes ssh://[USER@]HOST/PATH, which SPDX and in-toto read. The
 * result of url_normalize is a fixed point: normalizing it again gives
 * it back unchanged.
 */
#ifndef RELEASER_URL_H
#define RELEASER_URL_H

/* what a URL names: decides the schemes and forms taken */
enum url_kind {
	URL_URI,    /* any absolute URI (a builder's id, a run): SCHEME:REST */
	URL_REPO,   /* a git repository: https, http, ssh or git, with a host and a path */
	URL_REMOTE, /* a git remote's URL: URL_REPO, or scp-like [USER@]HOST:PATH */
};

/*
 * url_normalize returns s as the releaser records it (caller frees), or
 * NULL with *why set to a phrase saying what is wrong ("it holds a
 * control character"; static storage), fit to follow "... is not a URI: ".
 * *stripped (when not NULL) is set to 1 when user-info, a query or a
 * fragment was dropped, else 0.
 */
char *url_normalize(const char *s, enum url_kind kind, const char **why, int *stripped);

/*
 * url_is_local returns 1 when the remote URL s names a local repository,
 * as git reads it: a file: URL, or a path (no "://", and no ':' before
 * the first '/'); 0 otherwise.
 */
int url_is_local(const char *s);

/*
 * url_shown returns s as a message may show it (caller frees): any
 * user-info replaced by "***", then escaped for the terminal
 * (term_escape), so a message never prints a token.
 */
char *url_shown(const char *s);

#endif /* RELEASER_URL_H */
