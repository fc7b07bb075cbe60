package main

// The networks strazh can moderate register themselves here.
import (
	_ "github.com/strazh/strazh/connectors/max"
	_ "github.com/strazh/strazh/connectors/meta"
	_ "github.com/strazh/strazh/connectors/ok"
	_ "github.com/strazh/strazh/connectors/sim"
	_ "github.com/strazh/strazh/connectors/telegram"
	_ "github.com/strazh/strazh/connectors/vk"
)
