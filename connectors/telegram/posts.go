package telegram

// posts remembers the channel's recent posts in the group (thread roots,
// with their text for the card) and which recent comments belong to which,
// so a reply to a comment finds its post. Both are bounded.
type posts struct {
	order    []int          // roots, oldest first (at most maxPosts)
	texts    map[int]string // root -> post text (this run only)
	comments map[int]int    // comment id -> root (this run only)
	corder   []int
}

// maxComments bounds the comment -> root map.
const maxComments = 5000

func (p *posts) init() {
	if p.texts == nil {
		p.texts = make(map[int]string)
		p.comments = make(map[int]int)
	}
}

// load sets the roots from a cursor.
func (p *posts) load(ids []int64) {
	p.init()
	for _, id := range ids {
		p.add(int(id), "")
	}
}

func (p *posts) add(id int, text string) {
	p.init()
	if _, ok := p.texts[id]; ok {
		if text != "" {
			p.texts[id] = text
		}
		return
	}
	p.texts[id] = text
	p.order = append(p.order, id)
	if len(p.order) > maxPosts {
		delete(p.texts, p.order[0])
		p.order = p.order[1:]
	}
}

func (p *posts) has(id int) bool {
	_, ok := p.texts[id]
	return ok
}

func (p *posts) text(id int) string { return p.texts[id] }

func (p *posts) comment(id, root int) {
	if root == 0 {
		return
	}
	p.init()
	if _, ok := p.comments[id]; ok {
		return
	}
	p.comments[id] = root
	p.corder = append(p.corder, id)
	if len(p.corder) > maxComments {
		delete(p.comments, p.corder[0])
		p.corder = p.corder[1:]
	}
}

func (p *posts) rootOf(id int) (int, bool) {
	r, ok := p.comments[id]
	return r, ok
}

func (p *posts) list() []int64 {
	out := make([]int64, len(p.order))
	for i, id := range p.order {
		out[i] = int64(id)
	}
	return out
}
