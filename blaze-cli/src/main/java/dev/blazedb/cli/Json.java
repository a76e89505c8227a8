package dev.blazedb.cli;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer and reader for records and values, so the CLI needs no JSON library.
 *
 * <p>Writing maps each value kind to JSON as follows: string, int, bool and null as themselves;
 * a finite double as a number (always with a fraction or exponent, so it reads back as a double);
 * {@code NaN} and the infinities, which JSON lacks, as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}; a date as its ISO-8601 instant string; a uuid as its
 * canonical string; data as a base64 string; a vector as an array of numbers; arrays and
 * dictionaries as arrays and objects. Fields come in the record's order (key code-point order).
 *
 * <p>Reading maps JSON numbers without fraction or exponent that fit in 64 bits to ints and all
 * other numbers to doubles, and strings through {@link ValueParser#typedString}, so the uuid and
 * date strings that writing produces read back as uuids and dates.
 */
final class Json {

    /** How deep arrays and objects may nest when reading; deeper input is refused. */
    static final int MAX_DEPTH = 256;

    private Json() {
    }

    /** The record as JSON on one line. */
    static String write(BlazeDataRecord record) {
        StringBuilder out = new StringBuilder();
        writeObject(record.fields(), out, -1, 0);
        return out.toString();
    }

    /** The record as JSON, indented by two spaces per level. */
    static String writePretty(BlazeDataRecord record) {
        StringBuilder out = new StringBuilder();
        writeObject(record.fields(), out, 2, 0);
        return out.toString();
    }

    /** The value as JSON on one line. */
    static String write(BlazeValue value) {
        StringBuilder out = new StringBuilder();
        writeValue(value, out, -1, 0);
        return out.toString();
    }

    private static void writeValue(BlazeValue value, StringBuilder out, int indent, int level) {
        if (value instanceof BlazeValue.StringValue v) {
            writeString(v.value(), out);
        } else if (value instanceof BlazeValue.IntValue v) {
            out.append(v.value());
        } else if (value instanceof BlazeValue.DoubleValue v) {
            writeDouble(v.value(), out);
        } else if (value instanceof BlazeValue.BoolValue v) {
            out.append(v.value());
        } else if (value instanceof BlazeValue.DateValue v) {
            writeString(v.value().toString(), out);
        } else if (value instanceof BlazeValue.UuidValue v) {
            writeString(v.value().toString(), out);
        } else if (value instanceof BlazeValue.DataValue v) {
            writeString(Base64.getEncoder().encodeToString(v.value()), out);
        } else if (value instanceof BlazeValue.VectorValue v) {
            out.append('[');
            for (int i = 0; i < v.length(); i++) {
                if (i > 0) {
                    out.append(indent < 0 ? "," : ", ");
                }
                float f = v.get(i);
                if (Float.isFinite(f)) {
                    out.append(f);
                } else {
                    writeDouble(f, out);
                }
            }
            out.append(']');
        } else if (value instanceof BlazeValue.ArrayValue v) {
            writeArray(v.value(), out, indent, level);
        } else if (value instanceof BlazeValue.DictionaryValue v) {
            writeObject(v.value(), out, indent, level);
        } else {
            out.append("null");
        }
    }

    private static void writeDouble(double d, StringBuilder out) {
        if (Double.isNaN(d)) {
            out.append("\"NaN\"");
        } else if (Double.isInfinite(d)) {
            out.append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
            out.append(d); // Double.toString: always a fraction or an exponent, valid JSON
        }
    }

    private static void writeArray(List<BlazeValue> values, StringBuilder out, int indent, int level) {
        if (values.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (BlazeValue element : values) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(out, indent, level + 1);
            writeValue(element, out, indent, level + 1);
        }
        newline(out, indent, level);
        out.append(']');
    }

    private static void writeObject(Map<String, BlazeValue> fields, StringBuilder out, int indent, int level) {
        if (fields.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, BlazeValue> field : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(out, indent, level + 1);
            writeString(field.getKey(), out);
            out.append(indent < 0 ? ":" : ": ");
            writeValue(field.getValue(), out, indent, level + 1);
        }
        newline(out, indent, level);
        out.append('}');
    }

    private static void newline(StringBuilder out, int indent, int level) {
        if (indent >= 0) {
            out.append('\n');
            out.append(" ".repeat(indent * level));
        }
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // Control characters must be escaped; U+2028/9 too, for JavaScript consumers.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * The record that a JSON object denotes.
     *
     * @throws IllegalArgumentException when the text is not one JSON object, naming the offset
     */
    static BlazeDataRecord readRecord(String json) {
        Reader reader = new Reader(json);
        reader.skipWhitespace();
        if (reader.peek() != '{') {
            throw reader.error("expected a JSON object");
        }
        BlazeValue value = reader.readValue(0);
        reader.skipWhitespace();
        if (!reader.atEnd()) {
            throw reader.error("unexpected text after the JSON object");
        }
        return BlazeDataRecord.of(((BlazeValue.DictionaryValue) value).value());
    }

    /**
     * The value that a JSON text denotes.
     *
     * @throws IllegalArgumentException when the text is not one JSON value, naming the offset
     */
    static BlazeValue read(String json) {
        Reader reader = new Reader(json);
        BlazeValue value = reader.readValue(0);
        reader.skipWhitespace();
        if (!reader.atEnd()) {
            throw reader.error("unexpected text after the JSON value");
        }
        return value;
    }

    /** A recursive-descent reader over one JSON text (RFC 8259). */
    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        int peek() {
            return atEnd() ? -1 : text.charAt(pos);
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException(message + " at offset " + pos);
        }

        void skipWhitespace() {
            while (!atEnd()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        void expect(char c) {
            if (peek() != c) {
                throw error(atEnd() ? "unexpected end of input, expected '" + c + "'" : "expected '" + c + "'");
            }
            pos++;
        }

        BlazeValue readValue(int depth) {
            skipWhitespace();
            int c = peek();
            switch (c) {
                case -1:
                    throw error("unexpected end of input");
                case '{':
                    return readObject(depth + 1);
                case '[':
                    return readArray(depth + 1);
                case '"':
                    return ValueParser.typedString(readString());
                case 't':
                    readLiteral("true");
                    return BlazeValue.bool(true);
                case 'f':
                    readLiteral("false");
                    return BlazeValue.bool(false);
                case 'n':
                    readLiteral("null");
                    return BlazeValue.nullValue();
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return readNumber();
                    }
                    throw error("unexpected character '" + (char) c + "'");
            }
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
        }

        private BlazeValue readObject(int depth) {
            checkDepth(depth);
            expect('{');
            Map<String, BlazeValue> fields = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return BlazeValue.dictionary(fields);
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a field name in double quotes");
                }
                int keyAt = pos;
                String key = readString();
                skipWhitespace();
                expect(':');
                BlazeValue value = readValue(depth);
                if (fields.put(key, value) != null) {
                    pos = keyAt;
                    throw error("duplicate field \"" + key + "\"");
                }
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect('}');
                    return BlazeValue.dictionary(fields);
                }
            }
        }

        private BlazeValue readArray(int depth) {
            checkDepth(depth);
            expect('[');
            List<BlazeValue> values = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return BlazeValue.array(values);
            }
            while (true) {
                values.add(readValue(depth));
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect(']');
                    return BlazeValue.array(values);
                }
            }
        }

        private void readLiteral(String literal) {
            if (!text.startsWith(literal, pos)) {
                throw error("expected '" + literal + "'");
            }
            pos += literal.length();
        }

        private BlazeValue readNumber() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                skipDigits();
            } else {
                throw error("expected a digit");
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw error("expected a digit after the decimal point");
                }
                skipDigits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("expected a digit in the exponent");
                }
                skipDigits();
            }
            String number = text.substring(start, pos);
            if (integral) {
                try {
                    return BlazeValue.integer(Long.parseLong(number));
                } catch (NumberFormatException tooLarge) {
                    // falls through to a double
                }
            }
            return BlazeValue.decimal(Double.parseDouble(number));
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        private void skipDigits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private String readString() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in string");
                }
                if (c != '\\') {
                    out.append(c);
                    pos++;
                    continue;
                }
                pos++;
                if (atEnd()) {
                    throw error("unterminated escape");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(pos + i), 16);
                            if (digit < 0) {
                                throw error("bad hex digit in \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        pos += 4;
                        out.append((char) code);
                    }
                    default -> {
                        pos -= 2; // point at the backslash
                        throw error("unknown escape '\\" + e + "'");
                    }
                }
            }
        }
    }
}
