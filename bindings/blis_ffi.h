/* The one C header Lua sees (lua-embedding.md rule 4, pitfall P4): what a routing or admission
 * decision shows Lua policies, as POD structs bound once per run as FFI cdata. Only the stdlib
 * touches these structs: policies get read-only, bounds-checked views over them that are valid
 * during one decision (stdlib_lua/blis.policy.lua, docs/safety.md "The Lua boundary").
 * The declarations are written once, in BLIS_FFI_DECLARATIONS: C++ compiles them, and the same
 * text (stringified) is what stdlib_lua passes to ffi.cdef, so the two sides cannot drift;
 * blis_ffi_layout() lets the stdlib check sizes and offsets at VM start all the same.
 *
 * Numbers are doubles (counts are exact up to 2^53): an int64_t field would reach Lua as a boxed
 * int64 whose arithmetic is integer arithmetic (1 / (1 + n) == 0), a trap for policy authors. */
#ifndef BLIS_BINDINGS_BLIS_FFI_H
#define BLIS_BINDINGS_BLIS_FFI_H

#define BLIS_FFI_DECLARATIONS                                                                  \
  typedef struct blis_request {                                                               \
    double id;              /* k of "request_k" */                                            \
    double arrival_us;      /* original arrival time */                                       \
    double input_tokens;                                                                      \
    double output_tokens;                                                                     \
    double prefix_blocks;   /* complete input blocks, when the prefix index is kept */        \
    const char* slo_class_ptr;                                                                \
    const char* tenant_ptr;                                                                   \
  } blis_request;                                                                             \
  typedef struct blis_instance {                                                              \
    int32_t index;          /* 0-based; the id is "instance_<index>" */                       \
    int32_t reserved;                                                                         \
    double queue_depth;                                                                       \
    double batch_size;                                                                        \
    double pending_requests;                                                                  \
    double effective_load;  /* queue_depth + batch_size + pending_requests */                 \
    double kv_utilization;                                                                    \
    double free_kv_blocks;                                                                    \
    double cache_hit_rate;                                                                    \
    double prefix_match_blocks; /* leading request blocks already routed here */              \
  } blis_instance;                                                                            \
  typedef struct blis_cluster {                                                               \
    double clock_us;                                                                          \
    int32_t num_instances;                                                                    \
    int32_t reserved;                                                                         \
    double queued;          /* sums over the instances */                                     \
    double running;                                                                           \
    double pending;                                                                           \
    double min_load;        /* smallest and largest effective_load */                         \
    double max_load;                                                                          \
    blis_instance* instances; /* 0-based array of num_instances */                            \
  } blis_cluster;                                                                             \
  typedef struct blis_decision {                                                              \
    blis_request request;                                                                     \
    blis_cluster cluster;                                                                     \
    double* scores;         /* out: scores[s * n + i], scorer s, instance i */                \
    int32_t current_scorer; /* 1-based, while a scorer runs (for error messages) */           \
    int32_t reserved;                                                                         \
  } blis_decision;

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
extern "C" {
#else
#include <stddef.h>
#include <stdint.h>
#endif

BLIS_FFI_DECLARATIONS

#ifdef __cplusplus
}

namespace blis::bindings {

#define BLIS_FFI_STRINGIFY2(...) #__VA_ARGS__
#define BLIS_FFI_STRINGIFY(...) BLIS_FFI_STRINGIFY2(__VA_ARGS__)
// The text given to ffi.cdef (comments are gone: the preprocessor removed them).
inline constexpr const char* kFfiCdef = BLIS_FFI_STRINGIFY(BLIS_FFI_DECLARATIONS);

// Sizes and offsets the stdlib compares with ffi.sizeof / ffi.offsetof at VM start.
struct FfiLayoutEntry {
  const char* type;
  const char* field;  // nullptr: the size of `type`
  std::size_t value;
};
inline constexpr FfiLayoutEntry kFfiLayout[] = {
    {"blis_request", nullptr, sizeof(blis_request)},
    {"blis_request", "tenant_ptr", offsetof(blis_request, tenant_ptr)},
    {"blis_instance", nullptr, sizeof(blis_instance)},
    {"blis_instance", "prefix_match_blocks", offsetof(blis_instance, prefix_match_blocks)},
    {"blis_cluster", nullptr, sizeof(blis_cluster)},
    {"blis_cluster", "instances", offsetof(blis_cluster, instances)},
    {"blis_decision", nullptr, sizeof(blis_decision)},
    {"blis_decision", "scores", offsetof(blis_decision, scores)},
    {"blis_decision", "current_scorer", offsetof(blis_decision, current_scorer)},
};

}  // namespace blis::bindings
#endif

#endif
