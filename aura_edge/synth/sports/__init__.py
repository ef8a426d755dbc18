"""Sports and workouts: boxing, swimming, kicking and throwing a ball, jumping rope, push-ups.

These are fast, whole-body movements. Punches, kicks and throws are built from logistic steps
with 25-80 ms time constants (a punch reaches full extension in about 0.12 s, a throwing arm
whips forward in about 0.1 s), so the wrist sees large but smooth acceleration peaks. Where the
feet matter, the root is computed so that a loaded foot stays where it is on the floor
(``foot_locked_root``): a kicking leg can swing out without dragging the body back, a stride
moves the body forward over the front foot, and steps are made of a swing, a weight transfer
and a closing swing. Horizontal bodies (swimming, push-ups) are placed directly: a swimmer's
roll about the long axis uses pelvis yaw = roll = 90 deg, where pitch then rolls the body (a
plain pitch of 90 deg is gimbal-locked for that axis), and a push-up keeps the toes and hands
fixed on the floor by solving the arm angles for the hand positions.
"""

from __future__ import annotations

from collections.abc import Callable

from aura_edge.synth.posture import Pose, Scene
from aura_edge.synth.sports.ball_games import kicking_a_ball, throwing_a_ball
from aura_edge.synth.sports.boxing import boxing
from aura_edge.synth.sports.swimming import swimming
from aura_edge.synth.sports.workouts import doing_push_ups, jumping_rope

GENERATORS: dict[str, Callable[[Scene], Pose]] = {
    "boxing": boxing,
    "swimming": swimming,
    "kicking a ball": kicking_a_ball,
    "jumping rope": jumping_rope,
    "doing push-ups": doing_push_ups,
    "throwing a ball": throwing_a_ball,
}

# Per label: 2-3 terse labels, then plain sentences, then 2-3 detailed descriptions of the motion.
CAPTIONS: dict[str, tuple[str, ...]] = {
    "boxing": (
        "boxing",
        "shadowboxing",
        "throwing punches",
        "someone throws punches at a punching bag",
        "a man is shadowboxing in the gym",
        "she practises boxing combinations",
        "he hits a heavy bag with quick punches",
        "a person punches the air with both fists",
        "a boxer throws quick jabs and crosses while bouncing on the balls of the feet",
        "in a fighting stance with the fists up by the chin, a woman fires off hooks and uppercuts, twisting her upper body into every punch",
    ),
    "swimming": (
        "swimming",
        "swimming laps",
        "front crawl",
        "a person swims laps in a pool",
        "someone is swimming the crawl",
        "a woman swims breaststroke across the pool",
        "he is doing lengths in the swimming pool",
        "a swimmer moves through the water with steady strokes",
        "lying face down in the water, a swimmer alternates overarm strokes, rolls the body from side to side and turns the head to breathe every few strokes",
        "a man swims front crawl with a fast flutter kick, one arm pulling under the body while the other swings forward over the water",
    ),
    "kicking a ball": (
        "kicking a ball",
        "soccer practice",
        "ball kicking",
        "someone kicks a soccer ball",
        "a boy practises shots with a soccer ball",
        "she kicks the ball to a teammate",
        "a man is kicking a ball against a wall",
        "a person passes and shoots a ball with one foot",
        "a player swings one leg back with the knee bent and snaps it forward to strike the ball, arms out for balance",
        "standing over the ball, someone takes a short step, plants the other foot and kicks with a fast swing of the leg, leaning back as the foot follows through",
    ),
    "jumping rope": (
        "jumping rope",
        "jump rope",
        "rope jumping",
        "someone is jumping rope",
        "a woman jumps rope in the gym",
        "he hops over a turning rope",
        "a boxer warms up with a jump rope",
        "a person does a rope workout, jumping over the rope again and again",
        "hopping on the balls of both feet about twice a second while the wrists turn the rope in small circles",
        "a man jumps over a spinning rope with short quick hops, elbows tucked in and the hands circling at hip height",
    ),
    "doing push-ups": (
        "doing push-ups",
        "push-ups",
        "pushups",
        "a person does push-ups on the floor",
        "someone is doing a set of pushups",
        "a man lowers his chest to the floor and pushes back up",
        "she does push-ups on her knees",
        "he is working out with push-ups",
        "in a plank on the hands and toes, a person bends the elbows to lower the chest toward the floor and straightens them to push the body back up",
        "face down with the body held straight, a woman pushes herself up from the floor every couple of seconds, the hands staying planted under the shoulders",
    ),
    "throwing a ball": (
        "throwing a ball",
        "throwing",
        "playing catch",
        "someone throws a baseball",
        "a person throws a ball overarm",
        "he throws the ball to a friend",
        "a woman hurls a handball at the goal",
        "a player throws a ball as far as she can",
        "a thrower steps forward with the opposite foot, rotates the trunk and whips the arm over the shoulder to release the ball",
        "winding up with the arm cocked behind the head, a man throws a ball overhand, follows through across his body and walks back for the next throw",
    ),
}

# One phrasing per label that a user might type as the class name, kept out of training: none is
# a caption or part of one, and each avoids the captions' key words where it can.
HELD_OUT_PHRASINGS: dict[str, str] = {
    "boxing": "sparring",
    "swimming": "freestyle swim",
    "kicking a ball": "playing football",
    "jumping rope": "skipping",
    "doing push-ups": "press-ups",
    "throwing a ball": "pitching",
}

# Two more names per label for development: they tune label expansion (benchmarks/bench_label_expansion.py)
# so that HELD_OUT_PHRASINGS stay a test. No caption contains them and they do not overlap the held-out ones.
DEV_PHRASINGS: dict[str, tuple[str, str]] = {
    "boxing": ("punching a bag", "jabs and hooks"),
    "swimming": ("doing laps in the pool", "butterfly stroke in the pool"),
    "kicking a ball": ("a game of five-a-side", "shooting at goal"),
    "jumping rope": ("using a jump rope", "double unders"),
    "doing push-ups": ("floor press exercise", "pushups on the floor"),
    "throwing a ball": ("lobbing a ball to a friend", "tossing a ball"),
}
