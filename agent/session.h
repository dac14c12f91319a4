/* One profiling run of the agent: load, sample, drain, write. */
#ifndef AGENT_SESSION_H
#define AGENT_SESSION_H

#include "options.h"

/*
 * session_run profiles as o says until its duration ends, the target
 * process exits, or SIGINT/SIGTERM arrives, then writes the profile.
 * Returns the exit code (EXIT_OK, EXIT_FAILED, EXIT_USAGE), having printed
 * one line for any failure.
 */
int session_run(const struct agent_options *o);

#endif /* AGENT_SESSION_H */
