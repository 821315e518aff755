"""What the second generator's users write: subjects, greetings, sentences and sign-offs in
eight languages, for work and private mail. Written for this generator; names and companies
are invented."""

LANGS = ["ja", "en", "de", "fr", "es", "pt", "ru", "zh"]

FIRST = {
    "ja": ["Haruto", "Yui", "Sota", "Mio", "Ren", "Aoi", "Daiki", "Sakura", "Kenta", "Nanami",
           "Takumi", "Hina", "Yuto", "Rin", "Kaito", "Misaki", "Riku", "Ayaka", "Shun", "Emi"],
    "en": ["Oliver", "Emma", "Jack", "Grace", "Liam", "Chloe", "Noah", "Mia", "Ethan", "Zoe"],
    "de": ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Laura", "Tim", "Julia"],
    "fr": ["Louis", "Camille", "Hugo", "Manon", "Jules", "Léa", "Arthur", "Chloé", "Théo", "Inès"],
    "es": ["Pablo", "Lucía", "Javier", "Carmen", "Diego", "Elena", "Sergio", "Marta", "Álvaro", "Sara"],
    "pt": ["João", "Ana", "Pedro", "Beatriz", "Tiago", "Mariana", "Rafael", "Inês", "Bruno", "Carla"],
    "ru": ["Ivan", "Olga", "Dmitry", "Anna", "Sergey", "Elena", "Pavel", "Irina", "Alexey", "Maria"],
    "zh": ["Wei", "Fang", "Lei", "Jing", "Hao", "Min", "Qiang", "Li", "Tao", "Yan"],
}
LAST = {
    "ja": ["Kobayashi", "Ishikawa", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu",
           "Yamaguchi", "Mori", "Ikeda", "Hashimoto", "Abe", "Ogawa", "Fujita", "Okada"],
    "en": ["Walker", "Hughes", "Carter", "Bennett", "Murphy", "Price", "Turner", "Ward"],
    "de": ["Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Wolf", "Neumann", "Braun"],
    "fr": ["Lefebvre", "Moreau", "Girard", "Fournier", "Mercier", "Blanc", "Faure", "Roux"],
    "es": ["Navarro", "Romero", "Torres", "Ruiz", "Moreno", "Jiménez", "Castro", "Ortega"],
    "pt": ["Ferreira", "Costa", "Rodrigues", "Almeida", "Carvalho", "Ribeiro", "Pinto", "Sousa"],
    "ru": ["Volkov", "Smirnova", "Popov", "Kuznetsova", "Sokolov", "Lebedeva", "Morozov"],
    "zh": ["Zhang", "Wang", "Chen", "Liu", "Huang", "Zhao", "Zhou", "Xu"],
}

SUBJECTS = {
    "ja": ["来週の打ち合わせについて", "見積書の件", "資料を送ります", "ご確認のお願い", "日程の調整",
           "お疲れさまです", "議事録", "請求書送付のご案内", "週末の予定", "写真送ります", "ありがとう",
           "明日の件", "お知らせ", "納品のご連絡", "出張報告"],
    "en": ["Quick question", "Draft for review", "Meeting notes", "Invoice attached", "Weekend plans",
           "Photos from Saturday", "Re-scheduling", "Thanks!", "Project update", "Travel plans",
           "Reminder: deadline Friday", "Lunch tomorrow?"],
    "de": ["Kurze Frage", "Protokoll der Besprechung", "Angebot", "Rechnung im Anhang",
           "Termin nächste Woche", "Fotos vom Wochenende", "Danke!", "Projektstand"],
    "fr": ["Petite question", "Compte rendu de réunion", "Devis", "Facture ci-jointe",
           "Rendez-vous la semaine prochaine", "Photos du week-end", "Merci !", "Point projet"],
    "es": ["Una pregunta", "Acta de la reunión", "Presupuesto", "Factura adjunta",
           "Cita la próxima semana", "Fotos del finde", "¡Gracias!", "Estado del proyecto"],
    "pt": ["Uma dúvida", "Ata da reunião", "Orçamento", "Fatura em anexo",
           "Reunião na próxima semana", "Fotos do fim de semana", "Obrigado!", "Andamento do projeto"],
    "ru": ["Вопрос", "Протокол встречи", "Коммерческое предложение", "Счёт во вложении",
           "Встреча на следующей неделе", "Фото с выходных", "Спасибо!", "Статус проекта"],
    "zh": ["请教一个问题", "会议纪要", "报价单", "发票请查收", "下周的会议", "周末的照片", "谢谢！",
           "项目进展"],
}

GREET = {
    "ja": ["{n}さん\n\nお疲れさまです。{me}です。", "{n}様\n\nいつもお世話になっております。{me}です。",
           "{n}さん、こんにちは。", "{n}へ"],
    "en": ["Hi {n},", "Hello {n},", "Dear {n},", "{n} -"],
    "de": ["Hallo {n},", "Liebe/r {n},", "Guten Tag {n},"],
    "fr": ["Bonjour {n},", "Salut {n},", "Cher/Chère {n},"],
    "es": ["Hola {n}:", "Buenos días, {n}:", "Querido/a {n}:"],
    "pt": ["Olá {n},", "Bom dia, {n},", "Caro/a {n},"],
    "ru": ["Здравствуйте, {n}!", "Привет, {n}!", "Добрый день, {n}."],
    "zh": ["{n}，你好！", "{n}：", "您好，{n}："],
}

SENT = {
    "ja": ["先日の打ち合わせではありがとうございました。", "資料を添付しますのでご確認ください。",
           "日程ですが、来週の水曜日か木曜日はいかがでしょうか。", "修正版をお送りします。",
           "ご質問の件、担当者に確認して折り返しご連絡します。", "今月末までにご回答いただけると助かります。",
           "昨日は遅くまでお疲れさまでした。", "週末は家族で海に行ってきました。", "子供たちも元気にしています。",
           "駅前の新しいお店に行ってみませんか。", "雨が続いていますが体調には気をつけてください。",
           "来月の出張の件で相談があります。", "先方から返事が来たので転送します。",
           "費用は前回と同じ条件でお願いします。", "明日の会議は十時から第二会議室です。"],
    "en": ["Thanks for the call earlier today.", "Please find the revised draft attached.",
           "Could we move our meeting to Thursday afternoon?", "I'll check with the team and get back to you.",
           "Let me know if anything is unclear.", "The numbers look good so far this quarter.",
           "We had a great time at the lake last weekend.", "The kids are already counting the days to summer.",
           "Are you free for lunch sometime next week?", "I forwarded your question to accounting.",
           "The delivery should arrive by Wednesday.", "Sorry for the late reply, it has been a busy week."],
    "de": ["Vielen Dank für das Gespräch heute.", "Anbei die überarbeitete Version.",
           "Können wir den Termin auf Donnerstag verschieben?", "Ich melde mich, sobald ich mehr weiß.",
           "Die Lieferung kommt voraussichtlich am Mittwoch.", "Wir hatten ein schönes Wochenende am See.",
           "Entschuldige die späte Antwort, es war viel los."],
    "fr": ["Merci pour l'échange de ce matin.", "Vous trouverez ci-joint la version corrigée.",
           "Pourrions-nous décaler la réunion à jeudi ?", "Je reviens vers vous dès que possible.",
           "La livraison est prévue pour mercredi.", "Nous avons passé un très bon week-end à la mer.",
           "Désolé pour la réponse tardive."],
    "es": ["Gracias por la llamada de esta mañana.", "Te adjunto la versión corregida.",
           "¿Podemos pasar la reunión al jueves?", "Te digo algo en cuanto lo sepa.",
           "El pedido llegará el miércoles.", "Lo pasamos muy bien el fin de semana.",
           "Perdona el retraso en contestar."],
    "pt": ["Obrigado pela conversa de hoje.", "Segue em anexo a versão revista.",
           "Podemos passar a reunião para quinta?", "Dou notícias assim que souber.",
           "A entrega chega na quarta-feira.", "O fim de semana na praia foi ótimo.",
           "Desculpe a demora na resposta."],
    "ru": ["Спасибо за звонок сегодня.", "Во вложении исправленная версия.",
           "Можем перенести встречу на четверг?", "Отпишусь, как только узнаю подробности.",
           "Доставка ожидается в среду.", "Выходные на даче прошли отлично.",
           "Извините за поздний ответ."],
    "zh": ["谢谢今天的电话。", "附件是修改后的版本，请查收。", "会议能改到周四吗？", "我确认后再回复你。",
           "货物预计周三到。", "周末我们去爬山了，很开心。", "抱歉回复晚了。"],
}

CLOSE = {
    "ja": ["よろしくお願いいたします。", "以上、よろしくお願いします。", "ではまた。"],
    "en": ["Best regards,", "Thanks,", "Cheers,", "Kind regards,"],
    "de": ["Viele Grüße", "Beste Grüße", "Danke und Gruß"],
    "fr": ["Bien cordialement,", "À bientôt,", "Merci,"],
    "es": ["Un saludo,", "Saludos cordiales,", "Gracias,"],
    "pt": ["Abraço,", "Atenciosamente,", "Obrigado,"],
    "ru": ["С уважением,", "Спасибо,", "Всего доброго,"],
    "zh": ["此致", "谢谢！", "祝好"],
}

TEST_WORDS = {
    "ja": ["テスト", "テスト送信", "送信テスト", "テストです", "署名テスト"],
    "en": ["test", "Test", "testing", "Test - please ignore", "test 2"],
    "de": ["Test", "Testmail", "Test bitte ignorieren"],
    "fr": ["test", "Test, ne pas tenir compte"],
    "es": ["prueba", "Prueba de envío"],
    "pt": ["teste", "Teste de envio"],
    "ru": ["тест", "Проверка"],
    "zh": ["测试", "测试邮件"],
}

TEST_BODIES = {
    "ja": ["届いていますか？", "新しいスマホから送っています。", "テストです。返信不要です。"],
    "en": ["Did this arrive?", "Sent from my new phone.", "Just testing, no need to reply."],
    "de": ["Kommt das an?", "Gesendet vom neuen Handy."],
    "fr": ["Est-ce que ça arrive ?", "Envoyé depuis mon nouveau téléphone."],
    "es": ["¿Te llega?", "Enviado desde el móvil nuevo."],
    "pt": ["Chegou?", "Enviado do celular novo."],
    "ru": ["Дошло?", "Отправлено с нового телефона."],
    "zh": ["收到了吗？", "用新手机发的。"],
}


def body_text(rng, lang, to_name, me, business):
    greet = rng.choice(GREET[lang]).format(n=to_name, me=me)
    pool = SENT[lang]
    n = rng.choice([1, 1, 2, 2, 3, 4, 6]) if business else rng.choice([1, 1, 2, 3])
    sents = rng.sample(pool, min(n, len(pool)))
    sep = "" if lang in ("ja", "zh") else " "
    paras = [sep.join(sents[i:i + 2]) for i in range(0, len(sents), 2)]
    close = rng.choice(CLOSE[lang])
    return "%s\n\n%s\n\n%s\n%s\n" % (greet, "\n\n".join(paras), close, me)
