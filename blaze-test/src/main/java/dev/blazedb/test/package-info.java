/**
 * Test kits that implementations reuse: {@link dev.blazedb.test.TransportTck}, the contract every
 * transport passes.
 */
package dev.blazedb.test;
