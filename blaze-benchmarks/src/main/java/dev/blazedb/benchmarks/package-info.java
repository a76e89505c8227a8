/** Benchmarks. */
package dev.blazedb.benchmarks;
