package dev.lunar.telemetry.datadog;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe cache of at most {@code capacity} entries, for values that are cheap to compute again: when it is
 * full, it is emptied. Good enough when the working set (tenants × proxies × versions) fits, and it cannot grow
 * without bound when it does not.
 */
final class BoundedCache<K, V> {

    private final int capacity;
    private final ConcurrentHashMap<K, V> map;

    BoundedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.map = new ConcurrentHashMap<>(Math.min(capacity, 1024));
    }

    V get(K key) {
        return map.get(key);
    }

    void put(K key, V value) {
        if (map.size() >= capacity) {
            map.clear();
        }
        map.put(key, value);
    }

    int size() {
        return map.size();
    }
}
