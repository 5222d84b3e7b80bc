// Ports of the Go 1.19 amd64 math routines whose last bits reach simulated numbers
// (cluster-workload-trace §0.1). libm gives different bits for a fraction of inputs.
#pragma once

namespace blis::core::gomath {

double exp(double x);         // amd64 assembly math.Exp, FMA path (the reference hosts have FMA)
double exp_plain(double x);   // the same routine's non-FMA path (GODEBUG=cpu.fma=off)
double log(double x);         // portable log.go (bit-identical to the amd64 assembly)
double pow(double x, double y);  // portable pow.go with exp() above substituted
double gamma(double x);       // portable gamma.go with exp()/pow() above substituted

}  // namespace blis::core::gomath
