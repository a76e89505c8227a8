/** The change feed. Not a public API. */
package dev.blazedb.internal.feed;
