package connectors

// Inbox keeps what a connector was pushed (webhook deliveries) until the
// pipeline has durably decided it: a delivery is stored before it is
// acknowledged to the network, read back by Fetch, and dropped once the
// cursor covering it is committed. moderation/store implements it on
// bbolt. Queues are per account; keys name a delivery, so the network's
// retries of one delivery are stored once.
type Inbox interface {
	// PutInbox stores body in the account's queue under key, durably before
	// it returns, and gives its sequence number (increasing per account).
	// added is false when key was stored before, whether or not it was
	// dropped since (a duplicate delivery): nothing is stored then.
	PutInbox(account, key string, body []byte) (seq uint64, added bool, err error)
	// InboxAfter calls fn for the account's stored deliveries after seq,
	// oldest first, at most limit of them. body is valid only during fn.
	InboxAfter(account string, seq uint64, limit int, fn func(seq uint64, body []byte) error) error
	// DropInbox removes the account's deliveries up to seq inclusive; their
	// keys are remembered for a while, to recognise late duplicates.
	DropInbox(account string, upTo uint64) error
}
