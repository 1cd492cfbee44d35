#ifndef RNNKIT_SOFTMAX_H
#define RNNKIT_SOFTMAX_H
/* y[r] = scale · softmax(x[r]) and log_z[r] = log Σ exp(x[r]) for R rows of C values. */
void softmax_rows(int R, int C, const float *x, float scale, float *y, float *log_z);
#endif
