// What the cluster loop tells a watcher of the whole run (the requests CSV and the time series,
// engine/output): the events it processes, in order, without any say in them. Null = off; the
// loop then costs one pointer test per event. A watcher only reads the simulation's state: it
// must not change it, add events or reorder them, so a run's results are the same with or
// without one.
#pragma once

#include "engine/core/ticks.h"
#include "engine/instance/instance.h"
#include "engine/request/request.h"

namespace blis::cluster {

class ClusterObserver {
 public:
  virtual ~ClusterObserver() = default;
  // The next event to be processed is at `t` (never past the horizon); nothing at `t` has run.
  virtual void before_event(Tick t) = 0;
  // A request reached the cluster (its arrival event ran).
  virtual void on_arrival(RequestIndex r) = 0;
  // The admission policy decided on a request; a rejected one is final.
  virtual void on_admission(RequestIndex r, bool admitted) = 0;
  // An instance executed `e` (a Queued event may have dropped its request as unservable).
  virtual void on_instance_event(const instance::InstanceEvent& e) = 0;
  // The run ended at `end` (the last event's time, or the horizon that cut it off). Not called
  // when the run fails.
  virtual void on_run_end(Tick end) = 0;
};

}  // namespace blis::cluster
