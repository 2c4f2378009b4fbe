package org.vxdb.cli.load;

import java.util.Map;
import org.vxdb.api.v1.Value;

/**
 * One row of an input file.
 *
 * @param id       the vector's id (from the file, or the row number for fvecs)
 * @param vector   its values
 * @param metadata its metadata (may be empty)
 * @param where    where it is in the file, for messages: {@code data.jsonl line 12}
 */
public record Row(long id, float[] vector, Map<String, Value> metadata, String where) {
}
