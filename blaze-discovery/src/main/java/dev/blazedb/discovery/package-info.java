/**
 * Discovery of BlazeDB servers on the local network over mDNS / DNS-SD (RFC 6762, RFC 6763),
 * built on jmDNS: {@link dev.blazedb.discovery.BlazeDiscovery} advertises servers under the
 * service type {@value dev.blazedb.discovery.BlazeDiscovery#SERVICE_TYPE} and browses for them;
 * each one found is a {@link dev.blazedb.discovery.DiscoveredDatabase}.
 *
 * <p>What an advertisement carries (its TXT record) is described on
 * {@link dev.blazedb.discovery.Advertisement}.
 */
package dev.blazedb.discovery;
