#ifndef BACKPROP_CPU_FEATURES_H
#define BACKPROP_CPU_FEATURES_H

/// The highest x86-64 micro-architecture level this CPU and OS support: 4 (x86-64-v4, AVX-512),
/// 3 (x86-64-v3, AVX2), otherwise 1. Always 1 on other architectures.
int backprop_x86_64_level(void);

#endif
