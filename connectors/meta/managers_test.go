package meta

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/meta/metatest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// TestScenario_ManagersExempt: Graph lists no page roles strazh can rely
// on, so the operator names the managers; a named manager's comment is
// never moderated (allowed as author.exempt) while the same text from a
// citizen is removed, and a manager's reply under an appeal answers it.
func TestScenario_ManagersExempt(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, network, "page", opts{managers: []string{"601"}})
			connect(t, c)
			r := startPipeline(t, t.TempDir(), c)
			post := addPost(f, network, "Ремонт дорог")
			byManager := f.AddComment(post, "", "601", "Пресс-секретарь", "разбор жалобы: "+obsceneMark)
			byCitizen := f.AddComment(post, "", "501", "Иван", "жалоба: "+obsceneMark)
			appeal := f.AddComment(post, "", "502", "Мария", "Яма у школы "+pipelinetest.AppealMark+":roads]")
			eventually(t, "the citizen's comment removed", func() bool { return f.Deleted(byCitizen) })
			eventually(t, "the appeal opened", func() bool { return len(openAppeals(t, r)) == 1 })
			f.AddComment(post, appeal, "601", "Пресс-секретарь", "Заделаем до пятницы.")
			eventually(t, "the manager's reply answers it", func() bool { return len(openAppeals(t, r)) == 0 })

			ds := r.Decisions(t, "разбор жалобы: "+obsceneMark)
			if f.Deleted(byManager) || f.Hidden(byManager) || len(ds) != 1 || ds[0].Verdict != moderation.Allow ||
				!ds[0].Comment.Author.IsManager || len(ds[0].Matches) == 0 || ds[0].Matches[0].Rule != "author.exempt" {
				t.Fatalf("manager's comment: deleted %v, decisions %+v", f.Deleted(byManager), ds)
			}
			a, err := r.DB.AppealByComment(moderation.MakeID(network, "page", appeal))
			if err != nil || a.AnsweredBy != "manager:601" {
				t.Fatalf("appeal = %+v, %v", a, err)
			}
		})
	}
}

// A webhook delivery carries the same: the manager flag, and the parent
// as ReplyTo (a Facebook top-level comment's parent_id is its post, which
// is no comment to answer).
func TestConnector_FromDelivery_ManagerReply(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, network, "page", opts{managers: []string{"601"}})
			post := addPost(f, network, "Пост")
			top := f.AddComment(post, "", "502", "Мария", "вопрос")
			reply := f.AddComment(post, top, "601", "Пресс-секретарь", "ответ")
			for _, tc := range []struct {
				id, wantReplyTo string
				manager         bool
			}{
				{top, "", false},
				{reply, moderation.MakeID(network, "page", top), true},
			} {
				var env envelope
				if err := json.Unmarshal(f.Delivery(tc.id, "add"), &env); err != nil {
					t.Fatal(err)
				}
				e := env.Entry[0]
				up, ok := c.fromDelivery(&cursor{}, &delivery{Object: env.Object, Entry: e.ID, Time: e.Time, Change: e.Changes[0]})
				if !ok || up.Comment.ReplyTo != tc.wantReplyTo || up.Comment.Author.IsManager != tc.manager {
					t.Fatalf("%s: ok %v, reply_to %q (want %q), manager %v", tc.id, ok, up.Comment.ReplyTo, tc.wantReplyTo, up.Comment.Author.IsManager)
				}
			}
		})
	}
}

func TestConfig_Validate_Managers(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string // "" valid
	}{
		{nil, ""},
		{[]string{"601", "602"}, ""},
		{[]string{"anna.smirnova"}, "managers[0]: want a numeric user id"},
		{[]string{"601", ""}, "managers[1]: want a numeric user id"},
		{[]string{"601", "601"}, "managers[1]: 601 is listed twice"},
		{[]string{metatest.PageID}, "managers[0]: " + metatest.PageID + " is the page itself (page_id)"},
	} {
		fb := DefaultFacebookConfig()
		fb.PageID, fb.TokenEnv, fb.Managers = metatest.PageID, "X", tc.ids
		ig := DefaultInstagramConfig()
		ig.IGUserID, ig.TokenEnv, ig.Managers = metatest.PageID, "X", tc.ids
		for net, err := range map[string]error{Facebook: fb.Validate(), Instagram: ig.Validate()} {
			want := tc.want
			if net == Instagram {
				want = strings.Replace(want, "(page_id)", "(ig_user_id)", 1)
			}
			if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
				t.Errorf("%s managers %q: %v, want %q", net, tc.ids, err, want)
			}
		}
	}
}

func openAppeals(t *testing.T, r *pipeRun) []*moderation.Appeal {
	t.Helper()
	as, err := r.DB.OpenAppeals("")
	if err != nil {
		t.Fatal(err)
	}
	return as
}
