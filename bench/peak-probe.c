/* Peak arithmetic probe for bench/: AVX-512 fp32 FMA (vfmadd231ps) and int8 VNNI (vpdpbusd)
 * loops on N threads, with independent accumulators so the FMA ports stay busy.
 * Built at bench time: gcc -O2 -mavx512f -mavx512vnni -pthread peak-probe.c
 * Usage: peak-probe fp32|int8 THREADS ITERATIONS  ->  one JSON line on stdout.
 * fp32 counts 2 FLOP per multiply-add (32 per zmm FMA); int8 counts 2 ops per u8*s8
 * multiply-add (128 per zmm vpdpbusd), the convention of ResNet-50 "GOPS" figures. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct job {
  int int8;
  long iterations;
  pthread_barrier_t *barrier;
  double sink;
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Twelve named accumulators (ACCS): registers, not an array, so -O2 keeps them in zmm registers. */
#define ACCS 12
#define REPEAT12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

static double fp32_loop(long iterations) {
  const __m512 a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(0.9999999f);
#define DECLARE(i) __m512 acc##i = _mm512_set1_ps((float)(i));
  REPEAT12(DECLARE)
#undef DECLARE
  for (long n = 0; n < iterations; n++) {
#define STEP(i) acc##i = _mm512_fmadd_ps(a, acc##i, b);
    REPEAT12(STEP)
#undef STEP
  }
  __m512 sum = _mm512_setzero_ps();
#define ADD(i) sum = _mm512_add_ps(sum, acc##i);
  REPEAT12(ADD)
#undef ADD
  return _mm512_reduce_add_ps(sum);
}

static double int8_loop(long iterations) {
  const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
#define DECLARE(i) __m512i acc##i = _mm512_set1_epi32(i);
  REPEAT12(DECLARE)
#undef DECLARE
  for (long n = 0; n < iterations; n++) {
#define STEP(i) acc##i = _mm512_dpbusd_epi32(acc##i, a, b);
    REPEAT12(STEP)
#undef STEP
  }
  __m512i sum = _mm512_setzero_si512();
#define ADD(i) sum = _mm512_add_epi32(sum, acc##i);
  REPEAT12(ADD)
#undef ADD
  return (double)_mm512_reduce_add_epi32(sum);
}

static void *worker(void *arg) {
  struct job *job = arg;
  pthread_barrier_wait(job->barrier);
  job->sink = job->int8 ? int8_loop(job->iterations) : fp32_loop(job->iterations);
  pthread_barrier_wait(job->barrier);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4 || (strcmp(argv[1], "fp32") != 0 && strcmp(argv[1], "int8") != 0)) {
    fprintf(stderr, "usage: %s fp32|int8 THREADS ITERATIONS\n", argv[0]);
    return 2;
  }
  int int8 = strcmp(argv[1], "int8") == 0;
  int threads = atoi(argv[2]);
  long iterations = atol(argv[3]);
  if (threads < 1 || threads > 1024 || iterations < 1) {
    fprintf(stderr, "THREADS must be 1..1024 and ITERATIONS >= 1\n");
    return 2;
  }
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, threads + 1);
  pthread_t *ids = calloc(threads, sizeof *ids);
  struct job *jobs = calloc(threads, sizeof *jobs);
  for (int t = 0; t < threads; t++) {
    jobs[t] = (struct job){int8, iterations, &barrier, 0};
    pthread_create(&ids[t], NULL, worker, &jobs[t]);
  }
  pthread_barrier_wait(&barrier);
  double start = now();
  pthread_barrier_wait(&barrier);
  double seconds = now() - start;
  double sink = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(ids[t], NULL);
    sink += jobs[t].sink;
  }
  double perInstruction = int8 ? 128.0 : 32.0;
  double ops = perInstruction * ACCS * (double)iterations * threads;
  printf("{\"kind\":\"%s\",\"threads\":%d,\"seconds\":%.6f,\"gops\":%.3f,\"sink\":%g}\n", argv[1], threads, seconds, ops / seconds / 1e9, sink);
  free(ids);
  free(jobs);
  return 0;
}
