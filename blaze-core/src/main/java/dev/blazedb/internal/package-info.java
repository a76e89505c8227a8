/** BlazeDB internals: not a public API, may change without notice. */
package dev.blazedb.internal;
