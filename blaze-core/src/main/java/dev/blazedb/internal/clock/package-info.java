/** Hybrid logical clocks. Not a public API. */
package dev.blazedb.internal.clock;
