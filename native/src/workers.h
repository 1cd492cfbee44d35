#ifndef RNNKIT_WORKERS_H
#define RNNKIT_WORKERS_H
/*
 * Runs fn on two jobs at once, the second on a long-lived helper thread (or on a thread of its own when
 * the helper is busy). Returns 0, having run nothing, when no second thread can be had: jobs that wait
 * for each other (lockstep) must then not run.
 */
int run_concurrently(void *(*fn)(void *), void *first, void *second);

/* Runs fn on one job, or on two: concurrently when it can, else one after the other. */
void run_workers(void *(*fn)(void *), void *first, void *second);

/* One round of a wait loop: a CPU pause, or after a couple of thousand rounds a yield of the core. */
void spin_pause(int *spins);
#endif
