/** The storage engine: log format, encryption, index, checkpoints, compaction. Not a public API. */
package dev.blazedb.internal.storage;
