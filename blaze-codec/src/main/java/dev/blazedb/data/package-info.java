/** The record model: {@link dev.blazedb.data.BlazeValue} and {@link dev.blazedb.data.BlazeDataRecord}. */
package dev.blazedb.data;
