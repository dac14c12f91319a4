/*
 * The first commit of the debug branch (debug_start_message_is): a commit
 * message is outside input. Any text is read without harm; a message that
 * passes is exactly the message written for its names; and the message
 * written for the names on the input's first line ("DEBUG MAIN", branch
 * names hold no spaces) passes for its parent and for no other.
 */
#include "fuzz.h"

#include "git/internal.h"

static void round_trip(const char *line, const git_oid *parent, const git_oid *other)
{
	const char *space = strchr(line, ' ');
	char *debug, *main_branch, *msg;

	if (!space || space == line || !space[1] || strchr(space + 1, ' ') || strchr(line, '\n'))
		return;
	debug = strndup(line, (size_t)(space - line));
	main_branch = strdup(space + 1);
	if (!debug || !main_branch)
		abort();
	msg = debug_start_message(debug, main_branch, parent);
	fuzz_expect(debug_start_message_is(msg, parent) == 1);
	fuzz_expect(debug_start_message_is(msg, other) == 0);
	free(msg);
	free(main_branch);
	free(debug);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *nl;
	git_oid parent, other;

	if (git_oid_fromstr(&parent, "0123456789abcdef0123456789abcdef01234567") < 0 ||
	    git_oid_fromstr(&other, "76543210fedcba9876543210fedcba9876543210") < 0)
		abort();
	/* the whole input as a message: no crash, and only an exact message passes */
	if (debug_start_message_is(text, &parent))
		fuzz_expect(strncmp(text, "Start the debug branch '", 24) == 0 && strstr(text, "0123456789abcdef"));
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	round_trip(text, &parent, &other);
	free(text);
	return 0;
}
