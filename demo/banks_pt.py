"""Portuguese phrase banks for the generated movimento_demo articles (all people are fictional)."""

from __future__ import annotations

from typing import Any

# (nominative phrase, gender, short name)
SPEAKERS: list[tuple[str, str, str]] = [
    ("a deputada federal Helena Vasconcelos (PSOL-RS)", "f", "Helena Vasconcelos"),
    ("o vereador Tiago Moreira (PSOL)", "m", "Tiago Moreira"),
    ("a diretora do sindicato dos professores da rede estadual Cláudia Nogueira", "f", "Cláudia Nogueira"),
    ("o historiador Paulo Azevedo (MES)", "m", "Paulo Azevedo"),
    ("a diretora do DCE da universidade federal Bruna Carvalho", "f", "Bruna Carvalho"),
    ("o dirigente sindical metalúrgico Jorge Santana", "m", "Jorge Santana"),
    ("a deputada estadual Renata Albuquerque (PSOL-SP)", "f", "Renata Albuquerque"),
    ("o economista Felipe Andrade", "m", "Felipe Andrade"),
    ("a militante feminista Juliana Ribeiro", "f", "Juliana Ribeiro"),
    ("o entregador Wellington Souza (Associação dos Trabalhadores por Aplicativo)", "m", "Wellington Souza"),
]

CITIES: list[dict[str, str]] = [
    {"em": "em São Paulo", "de": "de São Paulo"},
    {"em": "em Porto Alegre", "de": "de Porto Alegre"},
    {"em": "no Rio de Janeiro", "de": "do Rio de Janeiro"},
    {"em": "em Belo Horizonte", "de": "de Belo Horizonte"},
    {"em": "em Belém", "de": "de Belém"},
    {"em": "no Recife", "de": "do Recife"},
    {"em": "em Fortaleza", "de": "de Fortaleza"},
    {"em": "em Salvador", "de": "de Salvador"},
    {"em": "em Curitiba", "de": "de Curitiba"},
    {"em": "em Florianópolis", "de": "de Florianópolis"},
    {"em": "em Manaus", "de": "de Manaus"},
    {"em": "em Niterói", "de": "de Niterói"},
    {"em": "em Campinas", "de": "de Campinas"},
]

MONTHS = [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
]
# "nesta terça-feira (14)" style, Monday first
WEEKDAYS = [
    "nesta segunda-feira",
    "nesta terça-feira",
    "nesta quarta-feira",
    "nesta quinta-feira",
    "nesta sexta-feira",
    "neste sábado",
    "neste domingo",
]

_DE = {"o": "do", "a": "da", "os": "dos", "as": "das"}
_EM = {"o": "no", "a": "na", "os": "nos", "as": "nas"}
_POR = {"o": "pelo", "a": "pela", "os": "pelos", "as": "pelas"}


def issue(article: str, noun: str) -> dict[str, str]:
    """Forms of a noun phrase with its article: "a reforma", "da reforma", "na reforma", "pela reforma"."""
    return {
        "art": f"{article} {noun}",
        "de": f"{_DE[article]} {noun}",
        "em": f"{_EM[article]} {noun}",
        "por": f"{_POR[article]} {noun}",
        "bare": noun,
    }


COMMON: dict[str, list[str]] = {
    "num_people": [
        "cerca de 5 mil",
        "mais de 10 mil",
        "cerca de 2 mil",
        "milhares de",
        "centenas de",
        "mais de 30 mil",
    ],
    "claim": [
        "o debate sobre {issue.art} não pode ficar restrito aos gabinetes de Brasília",
        "somente a mobilização nas ruas pode mudar a correlação de forças",
        "os trabalhadores não podem pagar a conta da crise",
        "{issue.art} aprofunda as desigualdades sociais no país",
        "é preciso construir uma alternativa de esquerda independente",
        "a extrema direita segue organizada e não pode ser subestimada",
        "a conjuntura exige unidade na ação e independência política",
        "as conquistas dos últimos anos estão ameaçadas pela política de austeridade",
        "a saída passa pela organização da base nos locais de trabalho e estudo",
        "o governo precisa escolher entre o mercado financeiro e a maioria do povo",
        "a luta contra {issue.art} é parte de uma disputa mais ampla sobre o futuro do país",
        "sem pressão popular nenhuma reivindicação sairá do papel",
    ],
    "sentence": [
        "Segundo {speaker}, {claim}.",
        "Para {speaker}, {claim}.",
        "Em sua intervenção, {speaker} lembrou que {claim}.",
        "{claim}.",
        "A mobilização {city.em} foi convocada por sindicatos, coletivos estudantis e movimentos populares.",
        "Os organizadores estimam que {num_people} pessoas participaram do ato.",
        "A bancada do PSOL protocolou um pedido de informações ao governo sobre {issue.art}.",
        "Uma nova plenária está marcada para a próxima semana.",
        "O governo ainda não se pronunciou sobre as reivindicações.",
        "A luta contra {issue.art} une trabalhadores, estudantes e movimentos sociais de todo o país.",
        "Dados divulgados recentemente mostram que o problema se agravou nos últimos anos.",
        "As entidades prometem intensificar a mobilização caso não haja resposta até o fim do mês.",
        "O tema também foi debatido em audiência pública na Câmara Municipal {city.de}.",
        "A imprensa comercial praticamente ignorou a manifestação.",
        "Militantes do MES participaram ativamente da construção do ato.",
        "A próxima etapa será a realização de assembleias nos bairros e locais de trabalho.",
        "Um abaixo-assinado com milhares de assinaturas foi entregue às autoridades.",
        "O ato terminou de forma pacífica no início da noite.",
        "Representantes de diversas categorias se revezaram no carro de som.",
        "A Polícia Militar acompanhou a manifestação e tentou impedir a passagem em alguns trechos.",
        "Nas redes sociais, vídeos do ato foram compartilhados milhares de vezes.",
        "O movimento também prepara materiais para dialogar com a população nos bairros.",
        "Parlamentares do PSOL estiveram presentes e se comprometeram a levar as demandas ao plenário.",
        "A avaliação dos organizadores é de que a mobilização superou as expectativas.",
        "As entidades devem se reunir novamente para definir o calendário de lutas.",
        "Não é a primeira vez que o tema mobiliza milhares de pessoas nas ruas.",
        "Uma comissão de representantes foi recebida por assessores do governo.",
        "A pauta inclui ainda a defesa dos serviços públicos e dos direitos sociais.",
    ],
    "list_intro": [
        "Entre as principais reivindicações do movimento {city.em} estão:",
        "O documento aprovado na plenária {city.de} defende:",
        "As entidades {city.de} apresentaram uma pauta com os seguintes pontos:",
        "Segundo {speaker_short}, o movimento {city.em} exige:",
        "A carta entregue às autoridades {city.de} pede:",
    ],
    "comment_author": [
        "Carlos",
        "Ana Lúcia",
        "Pedro H.",
        "Marcos Souza",
        "Fernanda",
        "Joana",
        "Luiz Antônio",
        "Patrícia M.",
        "Rogério",
        "Camila S.",
    ],
    "comment": [
        "Excelente texto, muito esclarecedor.",
        "Parabéns pela cobertura! A grande mídia não mostra nada disso.",
        "Estive no ato e foi emocionante ver tanta gente.",
        "Concordo em parte, mas acho que faltou falar sobre o papel do governo federal.",
        "Compartilhando com os colegas do sindicato.",
        "Precisamos de mais textos assim, com análise de conjuntura.",
        "Alguém sabe se haverá nova plenária na minha cidade?",
        "A luta continua! Força aos companheiros e companheiras.",
        "Ótima análise. Seria bom ter uma versão em áudio no podcast.",
        "Muito importante registrar essa mobilização.",
    ],
    "image_alt": [
        "Manifestação {city.em}",
        "Plenária do movimento",
        "Ato público",
        "Assembleia da categoria",
        "Faixa com as reivindicações",
    ],
    "image_caption": [
        "Foto: Mídia Ninja",
        "{alt}. Foto: Divulgação",
        "{alt}",
        "Foto: Revista Movimento",
    ],
    "subhead": [
        "O que está em jogo no debate sobre {issue.art}",
        "A resposta do governo sobre {issue.art}",
        "Os próximos passos da mobilização {city.em}",
        "Uma luta nacional contra {issue.art}",
        "A mobilização {city.em}",
        "Os números {issue.de}",
        "As vozes {city.de}",
    ],
}

TOPICS: list[dict[str, Any]] = [
    {
        "key": "educacao",
        "categories": ["Brasil"],
        "tags": ["educação", "greve"],
        "issues": [
            issue("o", "corte de verbas da educação"),
            issue("a", "reforma do ensino médio"),
            issue("a", "militarização das escolas"),
            issue("o", "atraso no pagamento do piso salarial"),
        ],
        "titles": [
            "Professores {city.em} entram em greve contra {issue.art}",
            "Ato {city.em} reúne milhares contra {issue.art}",
            "Audiência pública debate os impactos {issue.de}",
            "Educação em luta: a greve dos professores {city.de}",
        ],
        "leads": [
            "Professores da rede estadual {city.em} decidiram em assembleia {when} entrar em greve contra {issue.art}. A paralisação atinge centenas de escolas.",
            "{when}, {num_people} professores, estudantes e pais de alunos ocuparam as ruas {city.em} contra {issue.art}.",
        ],
        "sentences": [
            "A categoria reivindica a recomposição do orçamento e o pagamento integral do piso salarial.",
            "Muitas escolas funcionam com falta de professores, merenda insuficiente e infraestrutura precária.",
            "A secretaria de educação ameaçou cortar o ponto dos grevistas.",
            "Estudantes secundaristas declararam apoio à greve e organizaram aulas públicas.",
            "O sindicato denuncia que os recursos da educação vêm sendo desviados para contratos com empresas privadas.",
            "A greve conta com apoio de associações de pais e de entidades estudantis.",
        ],
        "quotes": [
            "Não existe educação de qualidade com professores adoecidos e salários atrasados",
            "A escola pública é um patrimônio do povo trabalhador e vamos defendê-la nas ruas",
        ],
        "demands": [
            "recomposição imediata do orçamento da educação;",
            "pagamento integral do piso salarial nacional;",
            "revogação da reforma do ensino médio;",
            "concurso público para repor o quadro de professores;",
            "fim do assédio moral nas escolas.",
        ],
    },
    {
        "key": "trabalho",
        "categories": ["Brasil", "Movimento"],
        "tags": ["trabalhadores", "sindicatos"],
        "issues": [
            issue("a", "escala 6x1"),
            issue("a", "precarização do trabalho por aplicativo"),
            issue("a", "reforma trabalhista"),
            issue("a", "terceirização no serviço público"),
        ],
        "titles": [
            "Trabalhadores {city.em} protestam contra {issue.art}",
            "Movimentos sociais convocam jornada de lutas contra {issue.art}",
            "PSOL apresenta projeto para enfrentar {issue.art}",
            "Entregadores e sindicatos se unem contra {issue.art}",
        ],
        "leads": [
            "Trabalhadores de diversas categorias se reuniram {when} {city.em} para denunciar {issue.art} e exigir mudanças imediatas nas condições de trabalho.",
            "A luta contra {issue.art} ganhou as ruas {city.em}, onde {num_people} pessoas participaram de um ato convocado por centrais sindicais e movimentos sociais.",
        ],
        "sentences": [
            "Entregadores relatam jornadas de mais de doze horas por dia sem nenhum direito garantido.",
            "O projeto de lei pela redução da jornada de trabalho já reúne milhões de assinaturas de apoio.",
            "As plataformas digitais se recusam a reconhecer qualquer vínculo com os trabalhadores.",
            "A rotatividade e os baixos salários atingem principalmente a juventude negra das periferias.",
            "Centrais sindicais discutem a convocação de uma greve geral.",
            "Pesquisas mostram que a maioria da população apoia o fim da escala 6x1.",
        ],
        "quotes": [
            "Não somos empreendedores, somos trabalhadores sem direitos. Queremos viver, não apenas sobreviver",
            "A redução da jornada é uma pauta histórica da classe trabalhadora e voltou ao centro do debate nacional",
        ],
        "demands": [
            "fim da escala 6x1 sem redução salarial;",
            "reconhecimento do vínculo empregatício dos trabalhadores por aplicativo;",
            "revogação da reforma trabalhista;",
            "valorização do salário mínimo;",
            "fortalecimento da organização sindical.",
        ],
    },
    {
        "key": "clima",
        "categories": ["Brasil"],
        "tags": ["clima", "Amazônia"],
        "issues": [
            issue("o", "desmatamento na Amazônia"),
            issue("o", "marco temporal"),
            issue("a", "crise climática"),
            issue("a", "privatização do saneamento"),
        ],
        "titles": [
            "Povos indígenas e movimentos ambientais marcham contra {issue.art}",
            "Ecossocialismo e a luta contra {issue.art}",
            "Debate {city.em} discute saídas para {issue.art}",
            "O que está em jogo no debate sobre {issue.art}",
        ],
        "leads": [
            "Lideranças indígenas, ativistas ambientais e movimentos populares realizaram {when} um grande ato {city.em} contra {issue.art}.",
            "O avanço {issue.de} voltou ao centro do debate político nacional depois de uma série de eventos extremos que atingiram diversas regiões do país.",
        ],
        "sentences": [
            "As enchentes e secas dos últimos anos mostram que a emergência climática já é uma realidade.",
            "O agronegócio segue pressionando o Congresso por flexibilização das leis ambientais.",
            "Comunidades ribeirinhas denunciam a contaminação dos rios por garimpo ilegal.",
            "Especialistas alertam que a destruição dos biomas compromete o regime de chuvas em todo o continente.",
            "A bancada ruralista tenta aprovar medidas que ameaçam os territórios tradicionais.",
            "O movimento defende uma transição energética sob controle dos trabalhadores.",
        ],
        "quotes": [
            "Não haverá justiça climática sem demarcação das terras indígenas",
            "Quem mais sofre com a crise climática são os pobres das periferias e do campo, que não a provocaram",
        ],
        "demands": [
            "desmatamento zero na Amazônia e no Cerrado;",
            "demarcação imediata das terras indígenas;",
            "fim dos subsídios ao agronegócio predatório;",
            "plano nacional de adaptação climática para as cidades.",
        ],
    },
    {
        "key": "mulheres",
        "categories": ["Mulheres", "Movimento"],
        "tags": ["feminismo"],
        "issues": [
            issue("a", "violência contra as mulheres"),
            issue("a", "desigualdade salarial entre homens e mulheres"),
            issue("o", "retrocesso nos direitos reprodutivos"),
            issue("a", "sobrecarga do trabalho doméstico"),
        ],
        "titles": [
            "Mulheres ocupam as ruas {city.em} contra {issue.art}",
            "Feminismo socialista e a luta contra {issue.art}",
            "Marcha reúne milhares contra {issue.art}",
            "Dossiê: as mulheres trabalhadoras diante {issue.de}",
        ],
        "leads": [
            "{when}, milhares de mulheres ocuparam as ruas {city.em} para denunciar {issue.art} e exigir políticas públicas efetivas.",
            "A luta contra {issue.art} mobilizou coletivos feministas, sindicatos e movimentos populares em uma grande marcha {city.em}.",
        ],
        "sentences": [
            "Os números de feminicídio seguem alarmantes, especialmente entre as mulheres negras.",
            "As trabalhadoras ainda recebem, em média, salários menores do que os homens na mesma função.",
            "A falta de creches públicas impede muitas mulheres de estudar ou trabalhar fora de casa.",
            "O ato contou com a participação de mulheres indígenas, quilombolas e trabalhadoras rurais.",
            "Coletivos feministas denunciam o corte de verbas para as casas de acolhimento.",
        ],
        "quotes": [
            "Nenhuma a menos! Não vamos aceitar que a vida das mulheres seja tratada como assunto secundário",
            "O feminismo que defendemos é o das trabalhadoras, das periferias e das mulheres que sustentam o país",
        ],
        "demands": [
            "ampliação da rede de proteção às mulheres em situação de violência;",
            "creches públicas em tempo integral;",
            "igualdade salarial efetiva;",
            "garantia dos direitos sexuais e reprodutivos.",
        ],
    },
    {
        "key": "internacional",
        "categories": ["Internacional"],
        "tags": ["guerra", "Rússia"],
        "issues": [
            issue("a", "guerra na Ucrânia"),
            issue("o", "massacre em Gaza"),
            issue("o", "ajuste do governo Milei"),
            issue("a", "ascensão da extrema direita na Europa"),
        ],
        "titles": [
            "Solidariedade internacional: atos {city.em} contra {issue.art}",
            "Notas sobre {issue.art}",
            "A esquerda internacional diante {issue.de}",
            "Entrevista: {speaker_short} analisa {issue.art}",
        ],
        "leads": [
            "{when}, organizações de esquerda realizaram um ato {city.em} em solidariedade aos povos atingidos {issue.por}.",
            "A situação internacional segue marcada {issue.por}, tema que dominou o seminário promovido pela Revista Movimento.",
        ],
        "sentences": [
            "A posição do movimento é de independência em relação a todos os blocos imperialistas.",
            "Organizações de esquerda de vários países divulgaram uma declaração conjunta.",
            "A crise internacional tem efeitos diretos sobre a economia brasileira e o custo de vida.",
            "O debate sobre política externa divide setores da esquerda latino-americana.",
            "Ativistas presos por se oporem à guerra receberam mensagens de solidariedade.",
            "A defesa da autodeterminação dos povos é um princípio do internacionalismo.",
        ],
        "quotes": [
            "Os trabalhadores não têm pátria a defender quando a guerra serve aos interesses dos grandes monopólios",
            "A solidariedade internacional não é um gesto simbólico, é uma necessidade da luta de classes",
        ],
        "demands": [
            "cessar-fogo imediato;",
            "retirada das tropas de ocupação;",
            "liberdade para os presos políticos antiguerra;",
            "ajuda humanitária sem condicionantes.",
        ],
    },
    {
        "key": "eleicoes",
        "categories": ["Brasil"],
        "tags": ["PSOL", "eleições"],
        "issues": [
            issue("o", "orçamento secreto"),
            issue("a", "reforma tributária regressiva"),
            issue("o", "avanço da extrema direita nas eleições municipais"),
            issue("o", "financiamento empresarial de campanhas"),
        ],
        "titles": [
            "PSOL debate tática contra {issue.art}",
            "Plenária {city.em} discute {issue.art}",
            "Balanço: o PSOL e {issue.art}",
            "Qual esquerda para enfrentar {issue.art}?",
        ],
        "leads": [
            "A militância do PSOL {city.em} se reuniu {when} em uma plenária para debater {issue.art} e os desafios do próximo período.",
            "O debate sobre {issue.art} ganhou força nas últimas semanas e mobilizou a direção nacional do partido.",
        ],
        "sentences": [
            "O partido aposta em candidaturas ligadas às lutas sociais e aos movimentos de base.",
            "A federação com outros partidos de esquerda segue em discussão.",
            "Pesquisas recentes apontam crescimento das candidaturas do campo progressista nas capitais.",
            "A disputa contra o bolsonarismo continua sendo uma tarefa central.",
            "A campanha será financiada por pequenas doações de apoiadores.",
            "O programa defende tarifa zero no transporte e moradia digna para todos.",
        ],
        "quotes": [
            "Nossa tarefa é combinar a luta institucional com a mobilização permanente nas ruas",
            "Não basta derrotar a extrema direita nas urnas, é preciso derrotá-la na sociedade",
        ],
        "demands": [
            "tarifa zero no transporte público;",
            "taxação das grandes fortunas;",
            "fim do orçamento secreto;",
            "programa de moradia popular nas áreas centrais.",
        ],
    },
    {
        "key": "juventude",
        "categories": ["Juventude"],
        "tags": ["educação", "juventude"],
        "issues": [
            issue("o", "desmonte da assistência estudantil"),
            issue("o", "aumento da passagem de ônibus"),
            issue("a", "falta de moradia estudantil"),
            issue("o", "corte de bolsas de pesquisa"),
        ],
        "titles": [
            "Estudantes ocupam reitoria {city.em} contra {issue.art}",
            "Juventude vai às ruas {city.em} contra {issue.art}",
            "Congresso estudantil aprova campanha sobre {issue.art}",
            "A juventude trabalhadora e {issue.art}",
        ],
        "leads": [
            "Estudantes da universidade federal {city.em} ocuparam {when} o prédio da reitoria para exigir respostas sobre {issue.art}.",
            "Centenas de jovens participaram de um ato {city.em} contra {issue.art}, convocado por entidades estudantis e coletivos de juventude.",
        ],
        "sentences": [
            "Muitos estudantes dependem do restaurante universitário para fazer ao menos uma refeição por dia.",
            "A evasão cresce entre os estudantes cotistas e de baixa renda.",
            "O movimento estudantil convocou uma assembleia geral para a próxima semana.",
            "Bolsistas denunciam atrasos no pagamento e valores congelados há anos.",
            "A reitoria alega falta de orçamento e culpa o governo federal.",
        ],
        "quotes": [
            "Garantir o acesso não basta, é preciso garantir a permanência dos estudantes pobres na universidade",
            "A juventude não aceita um futuro de precarização e desemprego",
        ],
        "demands": [
            "ampliação do orçamento da assistência estudantil;",
            "construção de novas moradias estudantis;",
            "passe livre estudantil;",
            "reajuste das bolsas de pesquisa.",
        ],
    },
    {
        "key": "teoria",
        "avoid": [
            "{issue",
            " ato",
            "Ato",
            "manifesta",
            "Polícia",
            "reivindica",
            "abaixo-assinado",
            "carro de som",
            "governo",
        ],
        "categories": ["Teoria"],
        "tags": ["marxismo"],
        "issues": [
            issue("o", "legado de Lênin"),
            issue("a", "teoria da revolução permanente"),
            issue("a", "atualidade do Manifesto Comunista"),
            issue("o", "marxismo latino-americano"),
        ],
        "titles": [
            "Notas sobre {issue.art}",
            "Seminário {city.em} discute {issue.art}",
            "Cem anos depois: {issue.art}",
            "Por que estudar {issue.art} hoje",
        ],
        "leads": [
            "A Revista Movimento promoveu {when} {city.em} um seminário sobre {issue.art}, reunindo pesquisadores, militantes e estudantes.",
            "O debate sobre {issue.art} volta a ganhar atualidade diante da crise do capitalismo e da ascensão da extrema direita.",
        ],
        "sentences": [
            "A discussão teórica não pode ser separada das tarefas práticas do movimento.",
            "Os textos clássicos ganham novos sentidos à luz das lutas contemporâneas.",
            "O seminário contou com a presença de estudiosos de diversos países.",
            "A formação política é uma das prioridades da organização para o próximo período.",
            "As contribuições de autores latino-americanos ainda são pouco conhecidas no Brasil.",
        ],
        "quotes": [
            "A teoria revolucionária não é um dogma, mas um guia para a ação",
            "Estudar os clássicos é uma forma de preparar as lutas do presente",
        ],
        "demands": [
            "ampliar os espaços de formação política;",
            "traduzir e publicar textos clássicos inéditos em português;",
            "organizar grupos de estudo nos núcleos de base.",
        ],
    },
]

AUTHORS = ["Redação", "Ana Paula Ferreira", "João Batista Lima", "Mariana Costa", "Rafael Oliveira"]
