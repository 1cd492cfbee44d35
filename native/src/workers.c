/*
 * Two-way parallelism with one long-lived helper thread. Starting a thread per call costs tens of µs
 * (far more when the other core is busy), as much as a whole batch-1 inference; the helper, once started,
 * spins briefly after each job (calls come back to back during training and inference) and then sleeps.
 * One caller owns the helper at a time; a second caller (another Node worker thread) gets a thread of
 * its own, as before.
 */
#define _GNU_SOURCE
#include "workers.h"
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>

/* About 0.3 ms of polling after a job before the helper sleeps (a pause takes ~65 ns on this Zen 5 CPU). */
#define HELPER_SPINS 5000
/* A waiter polls this long before it starts yielding its core to whoever the scheduler prefers. */
#define WAIT_SPINS 200

static struct {
  pthread_mutex_t owner;          /* held by the caller that is using the helper */
  pthread_mutex_t lock;           /* guards the sleep */
  pthread_cond_t wake;
  void *(*fn)(void *);
  void *arg;
  atomic_uint posted, done;       /* jobs handed over / finished */
  int started;
} helper = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, 0};

void spin_pause(int *spins) {
  if (++*spins < WAIT_SPINS) _mm_pause();
  else sched_yield();
}

static void *helper_loop(void *unused) {
  (void)unused;
  for (;;) {
    const unsigned seen = atomic_load_explicit(&helper.done, memory_order_relaxed);
    for (int spins = 0; atomic_load_explicit(&helper.posted, memory_order_acquire) == seen;) {
      if (++spins < HELPER_SPINS) { _mm_pause(); continue; }
      pthread_mutex_lock(&helper.lock);
      while (atomic_load_explicit(&helper.posted, memory_order_acquire) == seen) pthread_cond_wait(&helper.wake, &helper.lock);
      pthread_mutex_unlock(&helper.lock);
    }
    helper.fn(helper.arg);
    atomic_store_explicit(&helper.done, seen + 1, memory_order_release);
  }
  return NULL;
}

/* Hands `arg` to the helper; 0 when the helper is taken or cannot be started. */
static int post(void *(*fn)(void *), void *arg) {
  if (pthread_mutex_trylock(&helper.owner) != 0) return 0;
  if (!helper.started) {
    pthread_t t;
    if (pthread_create(&t, NULL, helper_loop, NULL) != 0) { pthread_mutex_unlock(&helper.owner); return 0; }
    pthread_detach(t);
    helper.started = 1;
  }
  helper.fn = fn;
  helper.arg = arg;
  pthread_mutex_lock(&helper.lock);
  atomic_fetch_add_explicit(&helper.posted, 1, memory_order_release);
  pthread_cond_signal(&helper.wake);
  pthread_mutex_unlock(&helper.lock);
  return 1;
}

static void await_helper(void) {
  const unsigned posted = atomic_load_explicit(&helper.posted, memory_order_relaxed);
  for (int spins = 0; atomic_load_explicit(&helper.done, memory_order_acquire) != posted;) spin_pause(&spins);
  pthread_mutex_unlock(&helper.owner);
}

int run_concurrently(void *(*fn)(void *), void *first, void *second) {
  if (post(fn, second)) {
    fn(first);
    await_helper();
    return 1;
  }
  pthread_t thread;
  if (pthread_create(&thread, NULL, fn, second) != 0) return 0;
  fn(first);
  pthread_join(thread, NULL);
  return 1;
}

void run_workers(void *(*fn)(void *), void *first, void *second) {
  if (second && run_concurrently(fn, first, second)) return;
  fn(first);
  if (second) fn(second);
}
