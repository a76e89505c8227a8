package dev.blazedb;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is reading or writing, for row-level security: a user, the teams and roles they belong
 * to, and named claims (for example from a token). Immutable; built with {@link #builder()} or
 * {@link #of(String)}.
 *
 * <pre>{@code
 * SecurityContext alice = SecurityContext.builder().user("alice").team("blue").role("editor")
 *         .claim("tenant", "acme").build();
 * }</pre>
 */
public final class SecurityContext {

    private static final SecurityContext ANONYMOUS = new SecurityContext(null, Set.of(), Set.of(), Map.of());

    private final String user;
    private final Set<String> teams;
    private final Set<String> roles;
    private final Map<String, String> claims;

    private SecurityContext(String user, Set<String> teams, Set<String> roles, Map<String, String> claims) {
        this.user = user;
        this.teams = teams;
        this.roles = roles;
        this.claims = claims;
    }

    /** The context with no user, team, role or claim. */
    public static SecurityContext anonymous() {
        return ANONYMOUS;
    }

    /** The context of {@code user}, with no team, role or claim. */
    public static SecurityContext of(String user) {
        return builder().user(user).build();
    }

    /** A builder of an empty context. */
    public static Builder builder() {
        return new Builder();
    }

    /** The user, if any. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The teams, sorted. */
    public Set<String> teams() {
        return teams;
    }

    /** The roles, sorted. */
    public Set<String> roles() {
        return roles;
    }

    /** The claims, in the order they were added. */
    public Map<String, String> claims() {
        return claims;
    }

    /** Whether the context's user is {@code name}. */
    public boolean isUser(String name) {
        return user != null && user.equals(name);
    }

    /** Whether the context has the role {@code role}. */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Whether the context belongs to the team {@code team}. */
    public boolean inTeam(String team) {
        return teams.contains(team);
    }

    /** The claim {@code name}, if present. */
    public Optional<String> claim(String name) {
        return Optional.ofNullable(claims.get(name));
    }

    /** Whether this is the anonymous context. */
    public boolean isAnonymous() {
        return user == null && teams.isEmpty() && roles.isEmpty() && claims.isEmpty();
    }

    /** A builder starting from this context. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.user = user;
        b.teams.addAll(teams);
        b.roles.addAll(roles);
        b.claims.putAll(claims);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecurityContext c && Objects.equals(user, c.user) && teams.equals(c.teams)
                && roles.equals(c.roles) && claims.equals(c.claims);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, teams, roles, claims);
    }

    @Override
    public String toString() {
        return "SecurityContext[user=" + user + ", teams=" + teams + ", roles=" + roles + ", claims=" + claims.keySet() + "]";
    }

    /** Builds a {@link SecurityContext}. */
    public static final class Builder {
        private String user;
        private final TreeSet<String> teams = new TreeSet<>();
        private final TreeSet<String> roles = new TreeSet<>();
        private final LinkedHashMap<String, String> claims = new LinkedHashMap<>();

        private Builder() {
        }

        /** The user (null for none). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** Adds teams. */
        public Builder team(String... teams) {
            for (String t : teams) {
                this.teams.add(Objects.requireNonNull(t, "team"));
            }
            return this;
        }

        /** Adds roles. */
        public Builder role(String... roles) {
            for (String r : roles) {
                this.roles.add(Objects.requireNonNull(r, "role"));
            }
            return this;
        }

        /** Adds or replaces a claim. */
        public Builder claim(String name, String value) {
            claims.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The context. */
        public SecurityContext build() {
            if (user == null && teams.isEmpty() && roles.isEmpty() && claims.isEmpty()) {
                return ANONYMOUS;
            }
            return new SecurityContext(user, java.util.Collections.unmodifiableSet(new TreeSet<>(teams)),
                    java.util.Collections.unmodifiableSet(new TreeSet<>(roles)),
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(claims)));
        }
    }
}
