/** The BlazeBinary record format: encoder and decoder. */
package dev.blazedb.codec;
