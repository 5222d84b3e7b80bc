// Several watchers of one run (the data-out files and the progress meter): each hears every
// call, in the order they were added.
#pragma once

#include <vector>

#include "engine/cluster/cluster_observer.h"

namespace blis::cluster {

class ObserverFanout final : public ClusterObserver {
 public:
  void add(ClusterObserver* o) {
    if (o != nullptr) observers_.push_back(o);
  }
  // The one observer to give the loop: null for none, the only one, or this fan-out.
  ClusterObserver* collapse() {
    if (observers_.empty()) return nullptr;
    return observers_.size() == 1 ? observers_.front() : this;
  }

  void before_event(Tick t) override {
    for (ClusterObserver* o : observers_) o->before_event(t);
  }
  void on_arrival(RequestIndex r) override {
    for (ClusterObserver* o : observers_) o->on_arrival(r);
  }
  void on_admission(RequestIndex r, bool admitted) override {
    for (ClusterObserver* o : observers_) o->on_admission(r, admitted);
  }
  void on_instance_event(const instance::InstanceEvent& e) override {
    for (ClusterObserver* o : observers_) o->on_instance_event(e);
  }
  void on_run_end(Tick end) override {
    for (ClusterObserver* o : observers_) o->on_run_end(end);
  }

 private:
  std::vector<ClusterObserver*> observers_;
};

}  // namespace blis::cluster
