package dev.blazedb.cli;

import dev.blazedb.data.BlazeValue;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The parser that turns command-line text into {@link BlazeValue}s: {@code FIELD=VALUE} arguments
 * of {@code blaze put}, and the typed strings of {@code --json}.
 *
 * <p>A value becomes, in this order: {@code null}; a bool ({@code true}, {@code false}); an int
 * (a decimal integer that fits in 64 bits, without leading zeros, so {@code 01234} stays a string);
 * a double (decimal or exponent notation, {@code NaN}, {@code Infinity}, {@code -Infinity}, or an
 * integer too large for an int); a uuid (the canonical 8-4-4-4-12 hex form); a date (ISO-8601: an
 * instant such as {@code 2024-05-01T10:15:30Z}, a date-time with an offset, or a date or date-time
 * without one, taken as UTC); otherwise a string. A value in double quotes is always a string,
 * without the quotes: {@code zip='"01234"'}.
 */
final class ValueParser {

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DATE_START = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}.*");

    private ValueParser() {
    }

    /**
     * Splits a {@code FIELD=VALUE} argument at its first {@code =} and parses the value.
     *
     * @throws IllegalArgumentException when there is no {@code =} or the field name is empty
     */
    static Map.Entry<String, BlazeValue> assignment(String argument) {
        int eq = argument.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("expected FIELD=VALUE, got '" + argument + "'");
        }
        if (eq == 0) {
            throw new IllegalArgumentException("empty field name in '" + argument + "'");
        }
        return Map.entry(argument.substring(0, eq), value(argument.substring(eq + 1)));
    }

    /** The value that {@code text} stands for, as the class comment describes. */
    static BlazeValue value(String text) {
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return BlazeValue.string(text.substring(1, text.length() - 1));
        }
        switch (text) {
            case "null":
                return BlazeValue.nullValue();
            case "true":
                return BlazeValue.bool(true);
            case "false":
                return BlazeValue.bool(false);
            case "NaN":
                return BlazeValue.decimal(Double.NaN);
            case "Infinity":
                return BlazeValue.decimal(Double.POSITIVE_INFINITY);
            case "-Infinity":
                return BlazeValue.decimal(Double.NEGATIVE_INFINITY);
            default:
                break;
        }
        if (INTEGER.matcher(text).matches()) {
            try {
                return BlazeValue.integer(Long.parseLong(text));
            } catch (NumberFormatException tooLarge) {
                return BlazeValue.decimal(Double.parseDouble(text));
            }
        }
        if (DECIMAL.matcher(text).matches()) {
            return BlazeValue.decimal(Double.parseDouble(text));
        }
        return typedString(text);
    }

    /**
     * A uuid or date when {@code text} is one (as the class comment describes), else a string; used
     * for JSON strings, whose numbers and literals already have their own types.
     */
    static BlazeValue typedString(String text) {
        if (UUID_TEXT.matcher(text).matches()) {
            return BlazeValue.uuid(UUID.fromString(text));
        }
        Optional<Instant> date = date(text);
        if (date.isPresent()) {
            return BlazeValue.date(date.get());
        }
        return BlazeValue.string(text);
    }

    /** The instant {@code text} denotes, when it is an ISO-8601 date or date-time. */
    static Optional<Instant> date(String text) {
        if (!DATE_START.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException notAnInstant) {
            // try the next form
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException notOffset) {
            // try the next form
        }
        try {
            return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notLocal) {
            // try the next form
        }
        try {
            return Optional.of(LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
    }
}
