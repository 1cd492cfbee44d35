#ifndef RNNKIT_WORKERS_H
#define RNNKIT_WORKERS_H
/* Runs fn on one job, or on two with the second on its own thread (here, when none can be started). */
void run_workers(void *(*fn)(void *), void *first, void *second);
#endif
