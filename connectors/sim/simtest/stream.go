package simtest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// Kind of a streamed comment: what a careful moderator would do with it.
type Kind string

const (
	KindFine    Kind = "fine"    // questions, thanks, criticism: stays
	KindDoubt   Kind = "doubt"   // rude or personal: a human decides
	KindObscene Kind = "obscene" // мат: deleted
	KindSpam    Kind = "spam"    // advertising: deleted
)

// Item is one comment of a Stream.
type Item struct {
	AuthorID, AuthorName, Text string
	Kind                       Kind
}

// Stream makes an endless, reproducible flow of comments for a municipal
// page: templates and places written for strazh sim (no dataset texts),
// mostly residents' questions, thanks and criticism, some rudeness,
// obscenity and advertising. Citizens come from a pool, so some write more
// than once, as on a real page.
type Stream struct {
	r *rand.Rand
	n int
}

// NewStream starts a stream; the same seed gives the same comments.
func NewStream(seed uint64) *Stream {
	return &Stream{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (s *Stream) pick(list []string) string { return list[s.r.IntN(len(list))] }

// Next returns the next comment.
func (s *Stream) Next() Item {
	s.n++
	p := s.r.IntN(100)
	switch {
	case p < 8:
		return Item{AuthorID: "spam-" + strconv.Itoa(s.r.IntN(40)), AuthorName: s.pick(spamNames), Kind: KindSpam,
			Text: fmt.Sprintf(s.pick(spamTexts), 1000*(2+s.r.IntN(9)), s.pick(spamContacts))}
	case p < 15:
		return s.citizen(KindObscene, fmt.Sprintf(s.pick(obsceneTexts), s.pick(streets)))
	case p < 24:
		return s.citizen(KindDoubt, fmt.Sprintf(s.pick(doubtTexts), s.pick(officials)))
	}
	var text string
	switch s.r.IntN(3) {
	case 0:
		text = fmt.Sprintf(s.pick(questions), s.pick(objects), s.pick(streets))
	case 1:
		text = fmt.Sprintf(s.pick(thanks), s.pick(services), s.pick(streets))
	default:
		text = fmt.Sprintf(s.pick(complaints), s.pick(objects), s.pick(streets), 2+s.r.IntN(5))
	}
	return s.citizen(KindFine, text)
}

func (s *Stream) citizen(k Kind, text string) Item {
	i := s.r.IntN(len(firstNames) * 7)
	return Item{AuthorID: strconv.Itoa(200000 + i), AuthorName: firstNames[i%len(firstNames)] + " " + lastNames[i%len(lastNames)],
		Text: text, Kind: k}
}

var (
	firstNames = []string{"Анна", "Игорь", "Светлана", "Михаил", "Ольга", "Денис", "Людмила", "Артём", "Галина",
		"Константин", "Юлия", "Степан", "Наталья", "Руслан", "Валентина", "Фёдор", "Ксения"}
	lastNames = []string{"Морозова", "Лебедев", "Киселёва", "Орлов", "Зайцева", "Никитин", "Кузьмина", "Фролов",
		"Белова", "Гусев", "Тихонова", "Комаров", "Соловьёва", "Жуков", "Ершова", "Медведев", "Полякова", "Савин", "Голубева"}
	streets = []string{"Первомайской", "Гагарина", "Набережной", "Школьной", "Парковой", "Строителей", "Мира",
		"Речной", "Вокзальной", "Кооперативной", "Солнечной", "Луговой"}
	objects = []string{"остановку", "детскую площадку", "тротуар", "освещение во дворе", "ливнёвку",
		"пешеходный переход", "спортплощадку", "пандус у поликлиники", "крышу в доме 7", "лавочки в сквере"}
	services = []string{"дорожникам", "управляющей компании", "школе №3", "сотрудникам МФЦ", "волонтёрам",
		"водоканалу", "библиотеке", "дворникам"}
	officials = []string{"Глава района", "Заместитель мэра", "Начальник ЖКХ", "Депутат нашего округа"}

	questions = []string{
		"Подскажите, когда отремонтируют %s на улице %s? Писали обращение ещё весной.",
		"Будут ли в этом году делать %s на %s? Жители готовы помочь с субботником.",
		"Куда обращаться, если сломали %s возле дома на улице %s?",
		"Есть ли план, когда приведут в порядок %s на %s? Ответьте, пожалуйста.",
	}
	thanks = []string{
		"Большое спасибо %s за работу на улице %s, стало намного лучше!",
		"Хочу поблагодарить %s: на %s всё сделали быстро и аккуратно.",
		"Спасибо %s, на улице %s наконец-то порядок. Так держать.",
	}
	complaints = []string{
		"Обещали сделать %s на %s ещё %d года назад, и ничего. Это безобразие, а не работа.",
		"Сколько можно ждать %s на улице %s? Уже %d раза писали, отписки одни.",
		"Полное равнодушие: %s на %s разрушено, жалобы идут %d месяца, никто не приехал.",
	}
	doubtTexts = []string{
		"%s — вор и бездельник, пусть уходит в отставку.",
		"%s совсем обнаглел, таких гнать надо поганой метлой, идиот.",
		"%s опять врёт в глаза, дебил, а не руководитель.",
	}
	obsceneTexts = []string{
		"Да вы там совсем о*уели, на улице %s опять яму не засыпали!",
		"Бл@дь, на %s снова нет света третий день.",
		"Какой п.и.з.д.е.ц на улице %s, пройти невозможно.",
	}
	spamNames = []string{"Заработок Дома", "Бонус Казино", "Крипто Доход", "Кредит Онлайн"}
	spamTexts = []string{
		"Работа на дому без опыта! Доход от %d рублей в день, пишите %s",
		"Лучшее онлайн-казино: бонус %d рублей за регистрацию, переходи %s",
		"Пассивный доход на криптовалюте, от %d рублей в неделю без вложений! Подробности %s",
	}
	spamContacts = []string{"@fast_money_sim", "t.me/+SimInvite42", "bit.ly/sim-bonus", "в лс"}
)
