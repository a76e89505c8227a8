/** The BlazeDB embedded database. */
package dev.blazedb;
