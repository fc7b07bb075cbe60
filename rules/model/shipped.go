package model

import (
	"bytes"
	_ "embed"
	"sync"
)

// shippedFile is the model `make model` trains from ../shared/corpus
// (ShippedSources, ShippedParams, ShippedLabels); TestShipped_Provenance
// checks that it was.
//
//go:embed shipped.model
var shippedFile []byte

// ShippedSources are the corpus files of the shipped model, in order.
var ShippedSources = []string{"russe_detox_2022.jsonl", "2ch_pikabu_toxic.jsonl", "telegram_spam_ru.jsonl", "stankin_antispam.jsonl"}

// ShippedLabels are the shipped model's labels.
var ShippedLabels = []string{"toxic", "spam"}

// ShippedParams are the parameters of the shipped model: the defaults with
// a 5-fold measurement recorded in its Info.
func ShippedParams() Params {
	p := DefaultParams()
	p.KFold = 5
	return p
}

var shipped = sync.OnceValues(func() (*Model, error) { return Read(bytes.NewReader(shippedFile)) })

// Shipped returns the embedded model, read once; nil only if the file
// embedded in this build is broken (ShippedErr says why; a test guards it).
func Shipped() *Model {
	m, _ := shipped()
	return m
}

// ShippedErr is the error reading the embedded model, nil when it is fine.
func ShippedErr() error {
	_, err := shipped()
	return err
}
