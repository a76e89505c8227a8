package dev.blazedb.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.blazedb.codec.BlazeBinary;
import dev.blazedb.data.BlazeDataRecord;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * BlazeBinary against Jackson JSON on the same records: encode, decode and both in a row.
 *
 * <p>Jackson runs its fastest ordinary set-up: one mapper, reused {@link ObjectWriter} and
 * {@link ObjectReader}, {@code byte[]} in and out, the fast double writer and parser switched
 * on. It is measured twice: binding to a {@code Map} (dynamic, like a {@link BlazeDataRecord})
 * and binding to a class with public fields ({@link JsonModels}, Jackson's quickest path).
 * BlazeBinary encodes version 1 and decodes to a full {@link BlazeDataRecord}.
 *
 * <p>Run (about 2.5 minutes on 2 cores), then summarise with the ratios:
 * <pre>
 * java -jar blaze-benchmarks/target/benchmarks.jar CodecBenchmark -f 1 -wi 2 -i 5 -w 1s -r 1s -rf json -rff codec.json
 * java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.CodecReport codec.json
 * </pre>
 * Sizes alone: {@code java -cp blaze-benchmarks/target/benchmarks.jar dev.blazedb.benchmarks.CodecSizes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    /** Which record: {@code standard} (5 fields, 94 bytes) or {@code large} (17 fields, nested). */
    @Param({"standard", "large"})
    public String record;

    private BlazeDataRecord blazeRecord;
    private byte[] blazeBytes;

    private Map<String, Object> map;
    private ObjectWriter mapWriter;
    private ObjectReader mapReader;
    private byte[] mapJson;

    private Object pojo;
    private ObjectWriter pojoWriter;
    private ObjectReader pojoReader;
    private byte[] pojoJson;

    /** The shared mapper configuration. */
    static JsonMapper jsonMapper() {
        return JsonMapper.builder()
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .build();
    }

    /** Builds the record in every representation; the {@code blazeEncode} trials print the sizes. */
    @Setup
    public void setUp(BenchmarkParams params) throws JsonProcessingException {
        boolean standard = "standard".equals(record);
        blazeRecord = standard ? BenchmarkRecords.standard() : BenchmarkRecords.large();
        blazeBytes = BlazeBinary.encode(blazeRecord);

        JsonMapper mapper = jsonMapper();
        map = BenchmarkRecords.toJava(blazeRecord);
        mapWriter = mapper.writerFor(new TypeReference<Map<String, Object>>() { });
        mapReader = mapper.readerFor(new TypeReference<Map<String, Object>>() { });
        mapJson = mapWriter.writeValueAsBytes(map);

        Class<?> type = standard ? JsonModels.Standard.class : JsonModels.Large.class;
        pojo = standard ? JsonModels.Standard.of(blazeRecord) : JsonModels.Large.of(blazeRecord);
        pojoWriter = mapper.writerFor(type);
        pojoReader = mapper.readerFor(type);
        pojoJson = pojoWriter.writeValueAsBytes(pojo);

        if (!BlazeBinary.decode(blazeBytes).equals(blazeRecord)) {
            throw new IllegalStateException("BlazeBinary does not round-trip the " + record + " record");
        }
        if (!params.getBenchmark().endsWith(".blazeEncode")) {
            return;
        }
        System.out.printf("%n[sizes] %s record: BlazeBinary %d bytes (v2 %d), Jackson Map JSON %d bytes, POJO JSON %d bytes%n",
                record, blazeBytes.length, BlazeBinary.encodedSize(blazeRecord, true), mapJson.length, pojoJson.length);
    }

    /** BlazeBinary: record to bytes. */
    @Benchmark
    public byte[] blazeEncode() {
        return BlazeBinary.encode(blazeRecord);
    }

    /** BlazeBinary: bytes to record. */
    @Benchmark
    public BlazeDataRecord blazeDecode() {
        return BlazeBinary.decode(blazeBytes);
    }

    /** BlazeBinary: record to bytes and back. */
    @Benchmark
    public BlazeDataRecord blazeRoundTrip() {
        return BlazeBinary.decode(BlazeBinary.encode(blazeRecord));
    }

    /** Jackson, Map binding: map to JSON bytes. */
    @Benchmark
    public byte[] jacksonMapEncode() throws JsonProcessingException {
        return mapWriter.writeValueAsBytes(map);
    }

    /** Jackson, Map binding: JSON bytes to map. */
    @Benchmark
    public Object jacksonMapDecode() throws IOException {
        return mapReader.readValue(mapJson);
    }

    /** Jackson, Map binding: map to JSON bytes and back. */
    @Benchmark
    public Object jacksonMapRoundTrip() throws IOException {
        return mapReader.readValue(mapWriter.writeValueAsBytes(map));
    }

    /** Jackson, POJO binding: object to JSON bytes. */
    @Benchmark
    public byte[] jacksonPojoEncode() throws JsonProcessingException {
        return pojoWriter.writeValueAsBytes(pojo);
    }

    /** Jackson, POJO binding: JSON bytes to object. */
    @Benchmark
    public Object jacksonPojoDecode() throws IOException {
        return pojoReader.readValue(pojoJson);
    }

    /** Jackson, POJO binding: object to JSON bytes and back. */
    @Benchmark
    public Object jacksonPojoRoundTrip() throws IOException {
        return pojoReader.readValue(pojoWriter.writeValueAsBytes(pojo));
    }
}
