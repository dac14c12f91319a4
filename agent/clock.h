/* The agent's clock. */
#ifndef AGENT_CLOCK_H
#define AGENT_CLOCK_H

/* now returns CLOCK_MONOTONIC in seconds. */
double now(void);

#endif /* AGENT_CLOCK_H */
