package org.vxdb.index.faiss.bridge;

import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Views of native {@link MemorySegment}s as JavaCPP pointers, without copying and without taking
 * ownership: the pointer has no deallocator, so the segment's arena alone decides its lifetime.
 * Callers keep the segment alive (and its arena open) for the duration of the native call.
 */
public final class SegmentPointers {

    private SegmentPointers() {
    }

    public static FloatPointer floats(MemorySegment segment) {
        return new SegmentFloatPointer(requireNative(segment));
    }

    public static BytePointer bytes(MemorySegment segment) {
        return new SegmentBytePointer(requireNative(segment));
    }

    public static LongPointer longs(MemorySegment segment) {
        return new SegmentLongPointer(requireNative(segment));
    }

    private static MemorySegment requireNative(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a heap segment has no native address; copy it to native memory first");
        }
        return segment;
    }

    private static final class SegmentFloatPointer extends FloatPointer {
        SegmentFloatPointer(MemorySegment segment) {
            super((Pointer) null);
            address = segment.address();
            capacity = segment.byteSize() / Float.BYTES;
            limit = capacity;
        }
    }

    private static final class SegmentBytePointer extends BytePointer {
        SegmentBytePointer(MemorySegment segment) {
            super((Pointer) null);
            address = segment.address();
            capacity = segment.byteSize();
            limit = capacity;
        }
    }

    private static final class SegmentLongPointer extends LongPointer {
        SegmentLongPointer(MemorySegment segment) {
            super((Pointer) null);
            address = segment.address();
            capacity = segment.byteSize() / Long.BYTES;
            limit = capacity;
        }
    }
}
