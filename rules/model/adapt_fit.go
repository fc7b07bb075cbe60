package model

// maxStep bounds Rate·Weight: the change of one example's logit per step
// is at most that (a text's features are scaled to ‖x‖² ≤ 1), and a
// larger logistic step overshoots and swings. A heavier Weight (config
// allows up to 1000) still weighs the page against the pull.
const maxStep = 16

// fitPage fits the page's delta: plain SGD on the page examples' weighted
// logistic loss plus pull/2·‖w − base‖² on the features an example
// touches, starting from w = base. AdaGrad (fit) divides each step by the
// accumulated gradient, which cancels any constant weight: Weight 4, 10
// and 30 gave the same scores. Here Weight really scales the page's loss
// against the pull. The step decays as Rate/(1+epoch) so the last passes
// settle. The bias stays (see fit: the page's examples are what reached a
// moderator, not a sample of the traffic); it is returned unchanged.
func fitPage(d *dataset, rows []int, ys []bool, ws []float64, w, base []float64, b float64, p AdaptParams) float64 {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	rng := p.Seed*0x9E3779B97F4A7C15 + 1
	for ep := 0; ep < p.Epochs; ep++ {
		for i := len(order) - 1; i > 0; i-- { // Fisher–Yates with xorshift
			rng ^= rng << 13
			rng ^= rng >> 7
			rng ^= rng << 17
			j := int(rng % uint64(i+1))
			order[i], order[j] = order[j], order[i]
		}
		rate := min(p.Rate, maxStep/p.Weight) / float64(1+ep)
		for _, k := range order {
			r := rows[k]
			fs := d.feat[d.off[r]:d.off[r+1]]
			sc := float64(d.scale[r])
			z := b
			for _, f := range fs {
				z += float64(sc * w[f]) // conversions keep every platform from fusing (same bytes everywhere)
			}
			y := 0.0
			if ys[k] {
				y = 1
			}
			gr := (sigmoid(z) - y) * ws[k] * p.Weight
			for _, f := range fs {
				w[f] -= rate * (float64(gr*sc) + float64(p.Pull*(w[f]-base[f])))
			}
		}
	}
	return b
}
