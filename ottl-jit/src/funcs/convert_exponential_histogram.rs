//! `convert_exponential_histogram_to_histogram(distribution_fn, explicit_bounds)` (transform
//! processor, metric context): an exponential histogram becomes an explicit-bounds histogram.
//! Other metrics are left alone.
//!
//! As upstream: only positive buckets are placed (bucket `i` covers `(e^(i·f), e^((i+1)·f)]`
//! with `f = ln 2 · 2^-scale`); the zero count goes to the first bucket when the first bound is
//! 0; there are as many buckets as bounds (the last one takes the overflow); `min`, `max` and
//! `sum` are set even where the exponential point had none; flags and the zero count are not
//! carried over. A bucket that lies inside one bound range goes there; one that straddles
//! bounds goes where the distribution puts it:
//!
//! - `upper`: the first bound at or above its upper edge;
//! - `midpoint`: the range below the first bound at or above its midpoint;
//! - `uniform`: spread evenly (remainder to the first) over the ranges it overlaps;
//! - `random`: each overlapped range gets a random share of its proportional part, the rest goes
//!   one by one to random ranges. (Past 2^20 leftover counts, they are spread evenly with a
//!   random remainder instead of one by one, so the work stays bounded.)

use opentelemetry_proto::tonic::metrics::v1::{
    ExponentialHistogramDataPoint, Histogram, HistogramDataPoint, Metric, metric::Data,
};

use crate::interp::{CArg, CCall, Error};
use crate::record::{Item, Record};

#[derive(Clone, Copy)]
enum Distribution {
    Upper,
    Midpoint,
    Uniform,
    Random,
}

pub fn run(call: &CCall, rec: &mut Record<'_>) -> Result<(), Error> {
    let distribution = match call.lit_str(0) {
        "upper" => Distribution::Upper,
        "midpoint" => Distribution::Midpoint,
        "uniform" => Distribution::Uniform,
        "random" | "" => Distribution::Random,
        other => {
            return Err(Error(format!(
                "invalid distribution algorithm: {other}, must be one of [upper, midpoint, random, uniform]"
            )));
        }
    };
    let bounds: &[f64] = match call.arg(1) {
        CArg::FloatList(b) => b,
        _ => &[],
    };
    if bounds.is_empty() {
        return Err(Error(format!("explicit bounds cannot be empty: {bounds:?}")));
    }
    let Item::Metric(metric) = &mut rec.item else { return Ok(()) };
    if !matches!(metric.data, Some(Data::ExponentialHistogram(_))) {
        return Ok(());
    }
    let Some(Data::ExponentialHistogram(exponential)) = metric.data.take() else { return Ok(()) };
    let mut rng = Rng::new();
    let data_points = exponential
        .data_points
        .into_iter()
        .map(|p| HistogramDataPoint {
            bucket_counts: bucket_counts(&p, bounds, distribution, &mut rng),
            explicit_bounds: bounds.to_vec(),
            attributes: p.attributes,
            start_time_unix_nano: p.start_time_unix_nano,
            time_unix_nano: p.time_unix_nano,
            count: p.count,
            sum: Some(p.sum.unwrap_or(0.0)),
            exemplars: p.exemplars,
            flags: 0,
            min: Some(p.min.unwrap_or(0.0)),
            max: Some(p.max.unwrap_or(0.0)),
        })
        .collect();
    **metric = Metric {
        name: std::mem::take(&mut metric.name),
        description: std::mem::take(&mut metric.description),
        unit: std::mem::take(&mut metric.unit),
        metadata: Vec::new(),
        data: Some(Data::Histogram(Histogram {
            data_points,
            aggregation_temporality: exponential.aggregation_temporality,
        })),
    };
    Ok(())
}

fn bucket_counts(
    p: &ExponentialHistogramDataPoint,
    bounds: &[f64],
    distribution: Distribution,
    rng: &mut Rng,
) -> Vec<u64> {
    let last = bounds.len() - 1;
    let factor = std::f64::consts::LN_2 * 2f64.powi(p.scale.saturating_neg());
    let mut counts = vec![0u64; bounds.len()];
    if p.zero_count > 0 && bounds[0] == 0.0 {
        counts[0] = counts[0].wrapping_add(p.zero_count);
    }
    let Some(positive) = &p.positive else { return counts };
    for (pos, &count) in positive.bucket_counts.iter().enumerate() {
        // Go computes the index in int32, wrapping.
        #[expect(clippy::cast_possible_truncation, clippy::cast_possible_wrap, reason = "Go's int32(pos)")]
        let index = positive.offset.wrapping_add(pos as i32);
        let upper = (f64::from(index.wrapping_add(1)) * factor).exp();
        let lower = (f64::from(index) * factor).exp();
        if lower > bounds[last] {
            counts[last] = counts[last].wrapping_add(count);
            continue;
        }
        if let Some(b) = (1..bounds.len()).find(|&b| lower > bounds[b - 1] && upper <= bounds[b]) {
            counts[b - 1] = counts[b - 1].wrapping_add(count);
            continue;
        }
        let mut add = |j: usize, n: u64| counts[j.min(last)] = counts[j.min(last)].wrapping_add(n);
        match distribution {
            Distribution::Upper => {
                add(bounds.iter().position(|&b| upper <= b).unwrap_or(last), count);
            }
            Distribution::Midpoint => {
                let mid = f64::midpoint(upper, lower);
                add(bounds.iter().position(|&b| mid <= b).map_or(last, |j| j.saturating_sub(1)), count);
            }
            Distribution::Uniform => {
                let start = bounds.iter().position(|&b| lower <= b).unwrap_or(bounds.len());
                let end =
                    (start..bounds.len()).find(|&e| upper <= bounds[e]).unwrap_or(bounds.len()).min(last);
                if end > start {
                    let width = (end - start + 1) as u64;
                    let (each, mut remainder) = (count / width, count % width);
                    for j in start..=end {
                        add(j, each);
                        if remainder > 0 {
                            add(j, 1);
                            remainder -= 1;
                        }
                    }
                } else {
                    add(start, count);
                }
            }
            Distribution::Random => {
                let start = bounds.iter().position(|&b| b >= lower).unwrap_or(bounds.len());
                let end =
                    (start..bounds.len()).find(|&e| bounds[e] >= upper).unwrap_or(bounds.len()).min(last);
                if end > start {
                    let width = upper - lower;
                    let mut allocated = 0u64;
                    for j in start..=end {
                        let range_lower = if j == 0 { lower } else { bounds[j - 1] };
                        let overlap = bounds[j].min(upper) - range_lower.max(lower);
                        #[expect(
                            clippy::cast_possible_truncation,
                            clippy::cast_sign_loss,
                            clippy::cast_precision_loss,
                            reason = "Go's uint64(float64(count) * share)"
                        )]
                        let share = (count as f64 * (overlap / width)) as u64;
                        #[expect(
                            clippy::cast_possible_truncation,
                            clippy::cast_sign_loss,
                            clippy::cast_precision_loss,
                            reason = "Go's uint64(rand.Float64() * float64(share))"
                        )]
                        let random = (rng.float() * share as f64) as u64;
                        add(j, random);
                        allocated = allocated.wrapping_add(random);
                    }
                    spread_randomly(count.wrapping_sub(allocated), start, end, rng, &mut add);
                } else {
                    add(start, count);
                }
            }
        }
    }
    counts
}

/// Gives `remaining` counts one at a time to random ranges in `start..=end`.
fn spread_randomly(
    remaining: u64,
    start: usize,
    end: usize,
    rng: &mut Rng,
    add: &mut impl FnMut(usize, u64),
) {
    const ONE_BY_ONE: u64 = 1 << 20;
    let width = (end - start + 1) as u64;
    if remaining <= ONE_BY_ONE {
        for _ in 0..remaining {
            add(start + usize::try_from(rng.below(width)).unwrap_or(0), 1);
        }
        return;
    }
    for j in start..=end {
        add(j, remaining / width);
    }
    for _ in 0..remaining % width {
        add(start + usize::try_from(rng.below(width)).unwrap_or(0), 1);
    }
}

/// A small xorshift generator seeded from the OS once per call: the distribution is random by
/// design (as upstream's `rand`), and needs no cryptographic quality.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        Self(getrandom::u64().unwrap_or(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `[0, 1)`.
    fn float(&mut self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "53 random bits")]
        let f = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        f
    }

    /// Uniform-enough in `[0, n)`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::metrics::v1::exponential_histogram_data_point::Buckets;

    use super::*;

    /// Upstream's random test: the counts vary, but they add up, the ranges below the smallest
    /// value stay empty and the overflow bucket gets some.
    #[test]
    fn random_distribution_keeps_the_total_and_the_shape() {
        let point = ExponentialHistogramDataPoint {
            count: 44,
            positive: Some(Buckets { offset: 5, bucket_counts: vec![10, 22, 12] }),
            ..ExponentialHistogramDataPoint::default()
        };
        let bounds = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0];
        let mut rng = Rng::new();
        for _ in 0..200 {
            let counts = bucket_counts(&point, &bounds, Distribution::Random, &mut rng);
            assert_eq!(counts.len(), bounds.len());
            assert_eq!(counts.iter().sum::<u64>(), 44, "{counts:?}");
            assert_eq!(&counts[..3], &[0, 0, 0], "{counts:?}");
            assert!(counts[bounds.len() - 1] > 0, "{counts:?}");
        }
    }

    #[test]
    fn huge_counts_are_spread_in_bounded_time() {
        let point = ExponentialHistogramDataPoint {
            positive: Some(Buckets { offset: 5, bucket_counts: vec![u64::MAX / 2] }),
            ..ExponentialHistogramDataPoint::default()
        };
        // The bucket (2^5, 2^6] = (32, 64] straddles four ranges, so the random path runs.
        let counts = bucket_counts(&point, &[40.0, 50.0, 60.0, 100.0], Distribution::Random, &mut Rng::new());
        assert!(counts.iter().filter(|c| **c > 0).count() > 1, "{counts:?}");
        assert_eq!(counts.iter().sum::<u64>(), u64::MAX / 2);
    }
}
