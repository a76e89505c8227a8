package dev.blazedb.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.data.BlazeDataRecord;
import java.util.List;
import java.util.Locale;

/**
 * The encoded size of each benchmark record in BlazeBinary and in Jackson JSON.
 *
 * <p>Run: {@code java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.CodecSizes}.
 */
public final class CodecSizes {

    private CodecSizes() {
    }

    /**
     * The sizes of one record, in bytes.
     *
     * @param record the record's name in {@link CodecBenchmark}: {@code standard} or {@code large}
     * @param label what the record is, for a table
     * @param blazeV1 BlazeBinary version 1
     * @param blazeV2 BlazeBinary version 2 (with CRC32)
     * @param jsonMap Jackson JSON of the record as a {@code Map}
     * @param jsonPojo Jackson JSON of the record as a {@link JsonModels} object
     */
    public record Row(String record, String label, int blazeV1, int blazeV2, int jsonMap, int jsonPojo) {
    }

    /** Measures the standard and the large record. */
    public static List<Row> measure() throws JsonProcessingException {
        JsonMapper mapper = CodecBenchmark.jsonMapper();
        BlazeDataRecord standard = BenchmarkRecords.standard();
        BlazeDataRecord large = BenchmarkRecords.large();
        return List.of(
                row(mapper, "standard", "standard (5 fields)", standard, JsonModels.Standard.of(standard)),
                row(mapper, "large", "large (17 fields, nested)", large, JsonModels.Large.of(large)));
    }

    /** A Markdown table of sizes in bytes. */
    public static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| record | BlazeBinary v1 | BlazeBinary v2 (CRC32) | JSON (Map) | JSON (POJO) |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", r.label(), r.blazeV1(), r.blazeV2(), r.jsonMap(), r.jsonPojo()));
        }
        return md.toString();
    }

    /** Prints a Markdown table of sizes in bytes. */
    public static void main(String[] args) throws JsonProcessingException {
        System.out.print(markdown(measure()));
    }

    private static Row row(JsonMapper mapper, String record, String label, BlazeDataRecord data, Object pojo) throws JsonProcessingException {
        return new Row(record, label,
                BlazeBinary.encodedSize(data, false), BlazeBinary.encodedSize(data, true),
                mapper.writeValueAsBytes(BenchmarkRecords.toJava(data)).length,
                mapper.writeValueAsBytes(pojo).length);
    }
}
