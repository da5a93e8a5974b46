/* The reference "plain C loop" for backpropd's engine benchmark: the seed notebook's training
 * (In [4]: sigmoid net, full-batch gradient descent, error curve, direction counts) written as
 * straightforward loops over doubles, one trial after another, libm exp, sums left to right.
 * Two loop orders, both summing left to right over each reduction index: the natural one (each
 * element's sum in the innermost loop) and, with --reordered, the cache-friendly one (the
 * innermost loop walks contiguous rows, sums accumulate in place).
 *
 *   cc -O3 -o plain_c_loop plain_c_loop.c -lm
 *   plain_c_loop sweep HIDDEN [--reordered]   # xor, alphas 0.001 … 1000, seed 1, 60000 its
 *   plain_c_loop scale [--reordered]          # numpy_scale.py's 256×16 case, hidden 64, 2000 its
 * Prints "seconds=S" and one "alpha=A final_error=E" line per trial. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint32_t mt[624];
static int mti;

static void seed_mt(uint32_t s) {
    mt[0] = s;
    for (mti = 1; mti < 624; mti++) mt[mti] = 1812433253u * (mt[mti - 1] ^ (mt[mti - 1] >> 30)) + (uint32_t)mti;
}

static uint32_t next_u32(void) {
    if (mti >= 624) {
        for (int i = 0; i < 624; i++) {
            uint32_t y = (mt[i] & 0x80000000u) | (mt[(i + 1) % 624] & 0x7fffffffu);
            mt[i] = mt[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        mti = 0;
    }
    uint32_t y = mt[mti++];
    y ^= y >> 11; y ^= (y << 7) & 0x9d2c5680u; y ^= (y << 15) & 0xefc60000u; y ^= y >> 18;
    return y;
}

static double next_double(void) {
    double a = (double)(next_u32() >> 5), b = (double)(next_u32() >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* One trial; returns the final mean absolute error. x: n×in, y: n×out, row-major. */
static double train(const double *x, const double *y, int n, int in, int hid, int out, double alpha,
                    int iterations, int every, double *curve, int reordered) {
    double *s0 = malloc(sizeof(double) * in * hid), *s1 = malloc(sizeof(double) * hid * out);
    double *u0 = calloc(in * hid, sizeof(double)), *u1 = calloc(hid * out, sizeof(double));
    double *p0 = calloc(in * hid, sizeof(double)), *p1 = calloc(hid * out, sizeof(double));
    double *c0 = calloc(in * hid, sizeof(double)), *c1 = calloc(hid * out, sizeof(double));
    double *l1 = malloc(sizeof(double) * n * hid), *l2 = malloc(sizeof(double) * n * out);
    double *d1 = malloc(sizeof(double) * n * hid), *d2 = malloc(sizeof(double) * n * out);
    seed_mt(1);
    for (int i = 0; i < in * hid; i++) s0[i] = 2 * next_double() - 1;
    for (int i = 0; i < hid * out; i++) s1[i] = 2 * next_double() - 1;
    int points = 0;
    double error = 0;
    for (int j = 0; j <= iterations; j++) {
        if (reordered) {
            for (int s = 0; s < n; s++) {
                double *z = l1 + s * hid;
                for (int h = 0; h < hid; h++) z[h] = x[s * in] * s0[h];
                for (int k = 1; k < in; k++)
                    for (int h = 0; h < hid; h++) z[h] += x[s * in + k] * s0[k * hid + h];
                for (int h = 0; h < hid; h++) z[h] = sigmoid(z[h]);
            }
        } else {
            for (int s = 0; s < n; s++)
                for (int h = 0; h < hid; h++) {
                    double z = x[s * in] * s0[h];
                    for (int k = 1; k < in; k++) z += x[s * in + k] * s0[k * hid + h];
                    l1[s * hid + h] = sigmoid(z);
                }
        }
        for (int s = 0; s < n; s++)
            for (int o = 0; o < out; o++) {
                double z = l1[s * hid] * s1[o];
                for (int h = 1; h < hid; h++) z += l1[s * hid + h] * s1[h * out + o];
                l2[s * out + o] = sigmoid(z);
            }
        if (j % every == 0 || j == iterations) {
            double sum = 0;
            for (int i = 0; i < n * out; i++) sum += fabs(y[i] - l2[i]);
            error = sum / (n * out);
            curve[points++] = error;
        }
        if (j == iterations) break;
        for (int i = 0; i < n * out; i++) d2[i] = (y[i] - l2[i]) * (l2[i] * (1 - l2[i]));
        for (int s = 0; s < n; s++)
            for (int h = 0; h < hid; h++) {
                double e = d2[s * out] * s1[h * out];
                for (int o = 1; o < out; o++) e += d2[s * out + o] * s1[h * out + o];
                double a = l1[s * hid + h];
                d1[s * hid + h] = e * (a * (1 - a));
            }
        if (reordered) {
            for (int h = 0; h < hid; h++)
                for (int o = 0; o < out; o++) u1[h * out + o] = l1[h] * d2[o];
            for (int s = 1; s < n; s++)
                for (int h = 0; h < hid; h++)
                    for (int o = 0; o < out; o++) u1[h * out + o] += l1[s * hid + h] * d2[s * out + o];
            for (int k = 0; k < in; k++)
                for (int h = 0; h < hid; h++) u0[k * hid + h] = x[k] * d1[h];
            for (int s = 1; s < n; s++)
                for (int k = 0; k < in; k++)
                    for (int h = 0; h < hid; h++) u0[k * hid + h] += x[s * in + k] * d1[s * hid + h];
        } else {
            for (int h = 0; h < hid; h++)
                for (int o = 0; o < out; o++) {
                    double u = l1[h] * d2[o];
                    for (int s = 1; s < n; s++) u += l1[s * hid + h] * d2[s * out + o];
                    u1[h * out + o] = u;
                }
            for (int k = 0; k < in; k++)
                for (int h = 0; h < hid; h++) {
                    double u = x[k] * d1[h];
                    for (int s = 1; s < n; s++) u += x[s * in + k] * d1[s * hid + h];
                    u0[k * hid + h] = u;
                }
        }
        if (j > 0) {
            for (int i = 0; i < in * hid; i++) c0[i] += (u0[i] > 0) != (p0[i] > 0);
            for (int i = 0; i < hid * out; i++) c1[i] += (u1[i] > 0) != (p1[i] > 0);
        }
        for (int i = 0; i < in * hid; i++) { s0[i] += alpha * u0[i]; p0[i] = u0[i]; }
        for (int i = 0; i < hid * out; i++) { s1[i] += alpha * u1[i]; p1[i] = u1[i]; }
    }
    free(s0); free(s1); free(u0); free(u1); free(p0); free(p1); free(c0); free(c1);
    free(l1); free(l2); free(d1); free(d2);
    return error;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    static double curve[1 << 16];
    int reordered = argc > 1 && strcmp(argv[argc - 1], "--reordered") == 0;
    if (argc >= 3 && strcmp(argv[1], "sweep") == 0) {
        const double x[] = {0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1}, y[] = {0, 1, 1, 0};
        const double alphas[] = {0.001, 0.01, 0.1, 1, 10, 100, 1000};
        int hidden = atoi(argv[2]), iterations = 60000;
        double errors[7], start = now();
        for (int a = 0; a < 7; a++) errors[a] = train(x, y, 4, 3, hidden, 1, alphas[a], iterations, 10000, curve, reordered);
        printf("seconds=%.6f\n", now() - start);
        for (int a = 0; a < 7; a++) printf("alpha=%g final_error=%.17g\n", alphas[a], errors[a]);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "scale") == 0) {
        enum { n = 256, bits = 15, in = 16 };
        static double x[n * in], y[n];
        seed_mt(2);
        for (int s = 0; s < n; s++) {
            int b[bits];
            for (int k = 0; k < bits; k++) { b[k] = next_double() < 0.5; x[s * in + k] = b[k]; }
            x[s * in + bits] = 1;
            y[s] = b[0] ^ b[1] ^ b[2];
        }
        double start = now();
        double error = train(x, y, n, in, 64, 1, 0.01, 2000, 10000, curve, reordered);
        printf("seconds=%.6f\nalpha=0.01 final_error=%.17g\n", now() - start, error);
        return 0;
    }
    fprintf(stderr, "usage: %s sweep HIDDEN [--reordered] | scale [--reordered]\n", argv[0]);
    return 2;
}
