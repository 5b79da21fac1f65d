/**
 * A tiny fork-join pool: `run(n, job)` calls `job(0)` on the calling thread and
 * `job(1..n-1)` on parked worker threads, and returns when all have finished.
 *
 * Workers are started lazily and kept, because spawning threads on every batch costs tens
 * of microseconds, which is a visible share of a small search batch. One pool serves one
 * Node environment (main thread or worker thread); its cleanup hook joins the workers.
 */
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace needle {

class thread_pool_t {
  public:
    using job_t = std::function<void(std::size_t)>;

    thread_pool_t() = default;
    thread_pool_t(thread_pool_t const&) = delete;
    thread_pool_t& operator=(thread_pool_t const&) = delete;
    ~thread_pool_t() { stop(); }

    /** Runs `job(i)` for every `i < threads`, index 0 on the caller. `job` must not throw. */
    void run(std::size_t threads, job_t const& job) {
        if (threads <= 1) {
            job(0);
            return;
        }
        std::unique_lock<std::mutex> lock(mutex_);
        while (workers_.size() < threads - 1) {
            std::size_t const index = workers_.size() + 1;
            workers_.emplace_back([this, index] { work(index); });
        }
        job_ = &job;
        wanted_ = threads;
        pending_ = threads - 1;
        ++generation_;
        lock.unlock();
        wake_.notify_all();

        job(0);

        lock.lock();
        done_.wait(lock, [this] { return pending_ == 0; });
        job_ = nullptr;
    }

    /** Joins every worker; the pool may be used again afterwards. */
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (std::thread& worker : workers_)
            worker.join();
        workers_.clear();
        stopping_ = false;
    }

  private:
    void work(std::size_t index) {
        std::size_t seen = 0;
        std::unique_lock<std::mutex> lock(mutex_);
        while (true) {
            wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_)
                return;
            seen = generation_;
            if (index >= wanted_)
                continue;
            job_t const* job = job_;
            lock.unlock();
            (*job)(index);
            lock.lock();
            if (--pending_ == 0)
                done_.notify_one();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    std::vector<std::thread> workers_;
    job_t const* job_ = nullptr;
    std::size_t generation_ = 0;
    std::size_t wanted_ = 0;
    std::size_t pending_ = 0;
    bool stopping_ = false;
};

} // namespace needle
