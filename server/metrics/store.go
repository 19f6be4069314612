package metrics

import "github.com/prometheus/client_golang/prometheus"

// storeCollector reports the store's two parts from one reading.
type storeCollector struct {
	sizes func() (lsm, vlog int64)
	desc  *prometheus.Desc
}

func storeSizes(sizes func() (lsm, vlog int64)) prometheus.Collector {
	return &storeCollector{sizes: sizes, desc: prometheus.NewDesc("parley_store_bytes",
		"Bytes of the store on disk, by part: Badger's LSM tree (lsm) and value log (vlog).", []string{"part"}, nil)}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	lsm, vlog := c.sizes()
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(lsm), "lsm")
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(vlog), "vlog")
}
