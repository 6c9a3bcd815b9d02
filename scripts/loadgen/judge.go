package main

import (
	"errors"
	"fmt"
	"strings"
)

// judge fails the run on any error, any lost audit event, or RSS,
// goroutines or open files growing by more than o.tolerance: the mean of
// the final window (the last samples, as many as the baseline has) is
// compared with the mean of the baseline window (the o.baseline after
// o.warmup). Means, because one sample is noisy: each connection in a
// request holds one more goroutine than an idle one. A drop is not a
// failure: memory returned to the system is no leak.
func judge(o options, samples []sample) error {
	var problems []string
	var errs, total int64
	for _, s := range samples {
		errs += s.errs
		total += s.ok + s.errs
	}
	if errs > 0 {
		problems = append(problems, fmt.Sprintf("%d errors in %d requests", errs, total))
	}
	if n := len(samples); n > 0 && samples[n-1].auditLost > 0 {
		problems = append(problems, fmt.Sprintf("%.0f audit events lost", samples[n-1].auditLost))
	}
	var base, later []sample
	for _, s := range samples {
		switch {
		case s.at <= o.warmup:
		case s.at <= o.warmup+o.baseline:
			base = append(base, s)
		default:
			later = append(later, s)
		}
	}
	if len(base) == 0 || len(later) == 0 {
		problems = append(problems, fmt.Sprintf("too short to judge: %d baseline and %d later samples", len(base), len(later)))
	} else {
		for _, m := range []struct {
			name string
			get  func(sample) float64
		}{
			{"RSS (MiB)", func(s sample) float64 { return s.rssMiB }},
			{"goroutines", func(s sample) float64 { return float64(s.goroutines) }},
			{"open files", func(s sample) float64 { return float64(s.fds) }},
		} {
			final := later[max(0, len(later)-len(base)):]
			before, after, highest := mean(base, m.get), mean(final, m.get), 0.0
			for _, s := range later {
				highest = max(highest, m.get(s))
			}
			fmt.Printf("%s: baseline mean %.1f, final mean %.1f (%+.1f%%), highest after the baseline %.1f\n",
				m.name, before, after, 100*(after/before-1), highest)
			if after > before*(1+o.tolerance) {
				problems = append(problems, fmt.Sprintf("%s grew from %.1f to %.1f (more than %.0f%%)", m.name, before, after, 100*o.tolerance))
			}
		}
	}
	var dropped int64
	for _, s := range samples {
		dropped += s.dropped
	}
	fmt.Printf("requests %d, errors %d, ticks dropped (node or load generator saturated) %d\n", total, errs, dropped)
	if len(problems) > 0 {
		fmt.Println("SOAK FAIL:", strings.Join(problems, "; "))
		return errors.New("soak failed")
	}
	fmt.Println("SOAK PASS")
	return nil
}

// mean of get over samples.
func mean(samples []sample, get func(sample) float64) float64 {
	sum := 0.0
	for _, s := range samples {
		sum += get(s)
	}
	return sum / float64(len(samples))
}
