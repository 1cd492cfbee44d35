#include "workers.h"
#include <pthread.h>
#include <stddef.h>

void run_workers(void *(*fn)(void *), void *first, void *second) {
  if (!second) { fn(first); return; }
  pthread_t thread;
  const int spawned = pthread_create(&thread, NULL, fn, second) == 0;
  fn(first);
  if (spawned) pthread_join(thread, NULL);
  else fn(second);
}
