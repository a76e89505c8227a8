package dev.blazedb.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.data.BlazeDataRecord;

/**
 * Prints the encoded size of each benchmark record in BlazeBinary and in Jackson JSON.
 *
 * <p>Run: {@code java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.CodecSizes}.
 */
public final class CodecSizes {

    private CodecSizes() {
    }

    /** Prints a Markdown table of sizes in bytes. */
    public static void main(String[] args) throws JsonProcessingException {
        JsonMapper mapper = CodecBenchmark.jsonMapper();
        System.out.println("| record | BlazeBinary v1 | BlazeBinary v2 (CRC32) | JSON (Map) | JSON (POJO) |");
        System.out.println("|---|---:|---:|---:|---:|");
        BlazeDataRecord standard = BenchmarkRecords.standard();
        row(mapper, "standard (5 fields)", standard, JsonModels.Standard.of(standard));
        BlazeDataRecord large = BenchmarkRecords.large();
        row(mapper, "large (17 fields, nested)", large, JsonModels.Large.of(large));
    }

    private static void row(JsonMapper mapper, String name, BlazeDataRecord record, Object pojo) throws JsonProcessingException {
        System.out.printf("| %s | %d | %d | %d | %d |%n", name,
                BlazeBinary.encodedSize(record, false), BlazeBinary.encodedSize(record, true),
                mapper.writeValueAsBytes(BenchmarkRecords.toJava(record)).length,
                mapper.writeValueAsBytes(pojo).length);
    }
}
