/** The {@code blaze} command. */
package dev.blazedb.cli;
