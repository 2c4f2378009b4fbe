package org.vxdb.storage.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Opens real file channels that fail writes or fsyncs on demand, or hold the writer inside an fsync
 * until the test lets it go. Faults apply to every channel the factory opened, so they survive rotation.
 */
final class FaultInjectingChannelFactory implements WalChannelFactory {

    private volatile IOException writeFailure;
    private volatile IOException forceFailure;
    private volatile CountDownLatch forceEntered;
    private volatile CountDownLatch forceRelease;

    @Override
    public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        return new FaultInjectingFileChannel(FileChannel.open(file, options));
    }

    void failWritesWith(IOException failure) {
        writeFailure = failure;
    }

    void failForceWith(IOException failure) {
        forceFailure = failure;
    }

    /** The next fsync blocks until {@link #releaseForce()}. */
    void holdNextForce() {
        forceRelease = new CountDownLatch(1);
        forceEntered = new CountDownLatch(1);
    }

    void awaitForceHeld() throws InterruptedException {
        if (!forceEntered.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the WAL writer never reached fsync");
        }
    }

    void releaseForce() {
        forceRelease.countDown();
    }

    private final class FaultInjectingFileChannel extends FileChannel {
        private final FileChannel delegate;

        FaultInjectingFileChannel(FileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            IOException failure = writeFailure;
            if (failure != null) {
                throw failure;
            }
            return delegate.write(src, position);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            CountDownLatch entered = forceEntered;
            if (entered != null && entered.getCount() > 0) {
                entered.countDown();
                try {
                    forceRelease.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while held in fsync", e);
                }
            }
            IOException failure = forceFailure;
            if (failure != null) {
                throw failure;
            }
            delegate.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            throw new UnsupportedOperationException("the WAL writes at explicit positions");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new UnsupportedOperationException("the WAL writes at explicit positions");
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
